#![no_main]
//! Fuzz target `manifest`: see `npmrc_doctor::fuzzing::manifest`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| npmrc_doctor::fuzzing::manifest(data));
