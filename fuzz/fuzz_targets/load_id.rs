#![no_main]
//! The load-ID parser and what users type: never a panic, and a parsed name keeps its text.
use libfuzzer_sys::fuzz_target;
use phoneup::error::Input;
use phoneup::knowledge::catalogue;
use phoneup::knowledge::load_id::LoadId;
use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::Builtin;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(id) = LoadId::parse(text) {
        assert!(text.contains(id.name()));
        let _ = (id.era(), id.display_version(), id.match_key());
    }
    thread_local!(static MATRIX: Matrix = Matrix::builtin().unwrap());
    MATRIX.with(|m| {
        if let Err(e) = catalogue::resolve(m, text, Input::From) {
            assert!(!e.to_string().is_empty());
        }
    });
});
