//! The `.npmrc` dialect: npm's `ini` 6 `decode()`, reproduced losslessly with
//! byte spans, and `${VAR}` expansion (`@npmcli/config` `env-replace.js`).
