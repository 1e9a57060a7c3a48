//! npm's configuration: layers, discovery, merge, coercion and validation,
//! as `@npmcli/config` 10 does it.
