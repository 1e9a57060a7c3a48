//! npmrc-doctor: a fast, offline linter and doctor for npm configuration.
//!
//! The crate is organised around one engine that reproduces what npm 11
//! decides:
//!
//! - [`npmrc`]: the `.npmrc` dialect (npm's `ini` 6 `decode()`), lossless,
//!   with byte spans, and `${VAR}` expansion;
//! - [`config`]: npm's config layers, their discovery, merge, coercion and
//!   validation (`@npmcli/config` 10);
//! - [`spec`]: dependency specs, versions, ranges and package names
//!   (`npm-package-arg`, `semver`, `validate-npm-package-name`);
//! - [`auth`], [`why`]: the registry and credential npm uses per request;
//! - [`cli`]: the commands built on top of it.

pub mod auth;
pub mod check;
pub mod cli;
pub mod config;
pub mod env;
pub mod fix;
pub mod manifest;
pub mod npmrc;
pub mod project;
pub mod report;
pub mod rules;
pub mod secret;
pub mod spec;
pub mod util;
pub mod value;
pub mod why;
