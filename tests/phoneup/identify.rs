//! `identify`: what a load ID, a firmware file name or a version line is, in text and JSON;
//! Boot, DSP and Java-phone IDs are told apart from App Load IDs.

use super::support::run;

#[test]
fn the_java_phone_message_names_its_phones_not_the_7940_and_7960() {
    let (code, _, stderr) = run(&["identify", "SIP41.9-4-2SR3-1S"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("7941"), "{stderr}");
    assert!(!stderr.contains("794x"), "{stderr}");
}
