#![no_main]
//! The SIPDefault.cnf editor: the value reads back, a second edit changes nothing, and lines
//! that are not image_version lines are kept byte for byte.
use libfuzzer_sys::fuzz_target;
use phoneup::files::sip_default_cnf::{set_image_version, IMAGE_VERSION_KEY};
use phoneup::files::sip_default_cnf::image_version;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let load = "P0S3-08-11-00";
    let edited = set_image_version(text, load);
    assert_eq!(set_image_version(&edited, load), edited, "not idempotent");
    assert_eq!(image_version(&edited).as_deref(), Some(load), "does not read back");
    let kept = |s: &str| -> Vec<String> {
        s.split_inclusive('\n').filter(|l| !l.contains(IMAGE_VERSION_KEY)).map(str::to_string).collect()
    };
    let (before, after) = (kept(text), kept(&edited));
    // Appending to a file without a final newline adds one to its last line.
    assert!(after.len() >= before.len());
    for (b, a) in before.iter().zip(&after) {
        assert!(a == b || a.trim_end_matches(['\r', '\n']) == b.trim_end_matches(['\r', '\n']), "{b:?} became {a:?}");
    }
});
