#![no_main]
//! The XMLDefault.cnf.xml editor: on XML it accepts, the load reads back for both models and a
//! second edit changes nothing.
use libfuzzer_sys::fuzz_target;
use phoneup::files::xml_default_cnf_xml::set_load;
use phoneup::files::xml_default_cnf_xml::load_information;
use phoneup::Model;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let load = "P0S3-08-11-00";
    if let Ok(edited) = set_load(text, load, Model::Both) {
        assert_eq!(set_load(&edited, load, Model::Both).as_deref(), Ok(edited.as_str()), "not idempotent");
        for element in ["loadInformation8", "loadInformation7"] {
            assert_eq!(load_information(&edited, element), Ok(Some(load.to_string())), "{element} in {edited:?}");
        }
    }
});
