//! Placing a phone, in memory: what narrows its candidates, what is answered, and how a boot
//! settles.

use super::*;

#[test]
fn a_loads_is_the_manifest_of_its_own_load_in_any_spelling_only() {
    assert!(own_manifest("P0S3-08-11-00", "P0S3-08-11-00.loads"));
    assert!(own_manifest("P0S3-08-11-00", "P0S3-8-11-00.loads"));
    assert!(!own_manifest("P0S3-08-11-00", "P0S3-8-12-00.loads"));
    assert!(!own_manifest("P0S3-08-11-00", "P003-08-11-00.sbn"));
    assert!(!own_manifest("P0S3-08-11-00", "junk.loads"));
}
