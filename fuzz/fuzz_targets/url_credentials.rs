#![no_main]
//! Fuzz target `url_credentials`: see `npmrc_doctor::fuzzing::url_credentials`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| npmrc_doctor::fuzzing::url_credentials(data));
