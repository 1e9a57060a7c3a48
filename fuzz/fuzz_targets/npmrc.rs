#![no_main]
//! Fuzz target `npmrc`: see `npmrc_doctor::fuzzing::npmrc`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| npmrc_doctor::fuzzing::npmrc(data));
