#![no_main]
//! The matrix loader on arbitrary YAML: an error names the file, never a panic.
use libfuzzer_sys::fuzz_target;
use phoneup::knowledge::matrix::Matrix;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = Matrix::parse(text, "fuzz.yaml") {
        assert!(e.to_string().starts_with("fuzz.yaml"));
    }
});
