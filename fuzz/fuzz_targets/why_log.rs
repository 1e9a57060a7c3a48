#![no_main]
//! Fuzz target `why_log`: see `npmrc_doctor::fuzzing::why_log`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| npmrc_doctor::fuzzing::why_log(data));
