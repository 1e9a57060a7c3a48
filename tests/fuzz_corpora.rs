//! Replays the fuzz corpora (`fuzz/corpus/<target>/`) through the fuzz
//! targets' bodies on stable: every seed and every kept crash reproducer
//! must run without a panic. `.ci/run` fuzzes for new inputs when a
//! nightly toolchain is present.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;

#[test]
fn fuzz_corpora_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut replayed = 0;
    for &name in npmrc_doctor::fuzzing::TARGETS {
        let target = npmrc_doctor::fuzzing::target(name).expect("known target");
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: empty corpus", dir.display());
        for f in files {
            let data = std::fs::read(&f).expect("read corpus file");
            // the binary runs on a large stack (src/main.rs); so do these
            let ok = std::thread::Builder::new()
                .stack_size(512 << 20)
                .spawn(move || target(&data))
                .expect("spawn")
                .join()
                .is_ok();
            assert!(ok, "{name}: {} panicked", f.display());
            replayed += 1;
        }
    }
    assert!(replayed >= 5, "replayed only {replayed} inputs");
}
