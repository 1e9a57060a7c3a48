//! The `.npmrc` dialect: npm's `ini` 6 `decode()`, reproduced losslessly with
//! byte spans, and `${VAR}` expansion (`@npmcli/config` `env-replace.js`).
//!
//! - [`lexer`]: every line of the text with its kind and spans
//!   ([`lexer::lex`], [`lexer::print`] round-trips byte for byte);
//! - [`decode`]: the object `ini.decode()` returns, with per-key origins;
//! - [`env_replace`]: `${NAME}` / `${NAME?}` expansion with reference spans;
//! - [`js`]: the JS built-ins these need (`trim`, `JSON.parse`, `String(n)`).

pub mod decode;
pub mod env_replace;
mod heap;
pub mod js;
pub mod lexer;

pub use decode::{DecodeError, Decoded, LineRef, Origin, decode};
pub use env_replace::{EnvRef, Expanded, env_replace};
pub use lexer::{Entry, Line, LineKind, Part, Quote, Section, lex, print};
