//! npm's configuration: layers, discovery, merge, coercion and validation,
//! as `@npmcli/config` 10 does it.

pub mod clean;
#[rustfmt::skip]
pub mod definitions;
pub mod js_number;
pub mod legacy_url;
pub mod nopt;
pub mod parse_field;
pub mod types;
