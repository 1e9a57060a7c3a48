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
//! - [`npm`]: one model of npm's decisions per request (registry, URL,
//!   credential, every failure); [`auth`] is its npm-registry-fetch part;
//! - [`why`]: the doctor that explains that model;
//! - [`cli`]: the commands built on top of it.

pub mod check;
pub mod cli;
pub mod config;
pub mod env;
pub mod fix;
pub mod fsread;
#[doc(hidden)]
pub mod fuzzing;
pub mod manifest;
pub mod npm;
pub mod npmrc;
pub mod project;
pub mod redact;
pub mod report;
pub mod rules;
pub mod secret;
pub mod spec;
pub mod util;
pub mod value;
pub mod why;

pub use npm::auth;
