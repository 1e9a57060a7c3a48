//! The rule registry: every rule is declared once, in its own module, with
//! [`declare_rule!`]; [`ALL`] lists them (sorted by name, checked by tests).
//! Docs (`rules/<name>.md`), the `rules` command, settings validation and
//! the JSON output all derive from this registry.

use crate::check::context::Context;
use crate::check::diagnostic::{Diagnostic, Severity};

pub mod audit_sends_private_names;
pub mod auth_key_shape;
pub mod auth_key_trailing_slash;
pub mod credentials_in_url;
pub mod default_port;
pub mod dependency_in_dev_and_prod;
pub mod deprecated_key;
pub mod duplicate_json_key;
pub mod duplicate_key;
pub mod empty_credential;
pub mod env_var_syntax;
pub mod env_var_unset;
pub mod file_dependency_missing;
pub mod file_encoding;
pub mod github_packages_scope;
pub mod gitlab_endpoint;
pub mod hardcoded_token;
pub mod incomplete_basic_auth;
pub mod inline_comment_in_value;
pub mod insecure_registry;
pub mod invalid_dependency_spec;
pub mod invalid_json;
pub mod invalid_package_name;
pub mod invalid_registry_url;
pub mod invalid_version;
pub mod manifest_not_object;
pub mod misspelled_field;
pub mod multiple_settings_on_line;
pub mod not_a_comment;
pub mod npmrc_not_read;
pub mod orphan_credential;
pub mod package_json_too_large;
pub mod password_not_base64;
pub mod private_not_boolean;
pub mod private_publish_config;
pub mod provenance_repository;
pub mod publish_auth_mismatch;
pub mod publish_config_registry_ignored;
pub mod registry_trailing_slash;
pub mod removed_key;
pub mod scope_key_shape;
pub mod scope_mismatch;
pub mod scope_not_lowercase;
pub mod scoped_publish_access;
pub mod section_header;
pub mod support;
pub mod support_auth;
pub mod support_manifest;
pub mod support_npmrc;
pub mod tag_is_semver_range;
pub mod tls_verification;
pub mod top_level_auth;
pub mod unknown_key;
pub mod unused_suppression;
pub mod version_rewritten;
pub mod workspace_npmrc_ignored;
pub mod yarn_ignores_npmrc;

/// What kind of problem a rule finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Leaks a credential.
    Security,
    /// npm will fail or do something other than intended.
    Correctness,
    /// Probably a mistake; npm may still work.
    Suspicious,
    /// Uses something npm no longer supports.
    Deprecated,
}

impl Category {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Correctness => "correctness",
            Category::Suspicious => "suspicious",
            Category::Deprecated => "deprecated",
        }
    }
}

/// Whether a rule offers an automatic fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// A rule: metadata plus its check function.
pub struct Rule {
    /// The one identifier: kebab-case, used in the CLI, settings, JSON, docs.
    pub name: &'static str,
    pub category: Category,
    pub default_severity: Severity,
    pub fix: FixAvailability,
    /// One line, for `rules` and the README table.
    pub summary: &'static str,
    /// `rules/<name>.md`, embedded.
    pub docs: &'static str,
    /// Pushes the rule's findings for one project.
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("name", &self.name).finish()
    }
}

/// Declares `pub static RULE` for the module's `check` function.
#[macro_export]
macro_rules! declare_rule {
    (
        name: $name:literal,
        category: $category:ident,
        severity: $severity:ident,
        fix: $fix:ident,
        summary: $summary:literal $(,)?
    ) => {
        /// This module's rule.
        pub static RULE: $crate::rules::Rule = $crate::rules::Rule {
            name: $name,
            category: $crate::rules::Category::$category,
            default_severity: $crate::check::diagnostic::Severity::$severity,
            fix: $crate::rules::FixAvailability::$fix,
            summary: $summary,
            docs: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $name, ".md")),
            check,
        };
    };
}

/// Every rule, sorted by name.
pub static ALL: &[&Rule] = &[
    &audit_sends_private_names::RULE,
    &auth_key_shape::RULE,
    &auth_key_trailing_slash::RULE,
    &credentials_in_url::RULE,
    &default_port::RULE,
    &dependency_in_dev_and_prod::RULE,
    &deprecated_key::RULE,
    &duplicate_json_key::RULE,
    &duplicate_key::RULE,
    &empty_credential::RULE,
    &env_var_syntax::RULE,
    &env_var_unset::RULE,
    &file_dependency_missing::RULE,
    &file_encoding::RULE,
    &github_packages_scope::RULE,
    &gitlab_endpoint::RULE,
    &hardcoded_token::RULE,
    &incomplete_basic_auth::RULE,
    &inline_comment_in_value::RULE,
    &insecure_registry::RULE,
    &invalid_dependency_spec::RULE,
    &invalid_json::RULE,
    &invalid_package_name::RULE,
    &invalid_registry_url::RULE,
    &invalid_version::RULE,
    &manifest_not_object::RULE,
    &misspelled_field::RULE,
    &multiple_settings_on_line::RULE,
    &not_a_comment::RULE,
    &npmrc_not_read::RULE,
    &orphan_credential::RULE,
    &package_json_too_large::RULE,
    &password_not_base64::RULE,
    &private_not_boolean::RULE,
    &private_publish_config::RULE,
    &provenance_repository::RULE,
    &publish_auth_mismatch::RULE,
    &publish_config_registry_ignored::RULE,
    &registry_trailing_slash::RULE,
    &removed_key::RULE,
    &scope_key_shape::RULE,
    &scope_mismatch::RULE,
    &scope_not_lowercase::RULE,
    &scoped_publish_access::RULE,
    &section_header::RULE,
    &tag_is_semver_range::RULE,
    &tls_verification::RULE,
    &top_level_auth::RULE,
    &unknown_key::RULE,
    &unused_suppression::RULE,
    &version_rewritten::RULE,
    &workspace_npmrc_ignored::RULE,
    &yarn_ignores_npmrc::RULE,
];

/// The rule called `name`.
#[must_use]
pub fn get(name: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.name == name)
}

/// The rule name closest to `name` (for "did you mean" messages).
#[must_use]
pub fn suggest(name: &str) -> Option<&'static str> {
    ALL.iter()
        .map(|r| (crate::util::levenshtein(name, r.name), r.name))
        .filter(|(d, n)| *d <= (n.len() / 3).max(2))
        .min()
        .map(|(_, n)| n)
}
