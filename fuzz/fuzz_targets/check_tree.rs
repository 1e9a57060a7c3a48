#![no_main]
//! Fuzz target `check_tree`: see `npmrc_doctor::fuzzing::check_tree`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| npmrc_doctor::fuzzing::check_tree(data));
