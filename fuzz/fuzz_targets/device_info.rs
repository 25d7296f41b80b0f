#![no_main]
//! The DeviceInformationX page reader on any bytes: never a panic; a page it reads shows as one
//! line with nothing raw in it, and its values are trimmed and never empty.
use libfuzzer_sys::fuzz_target;
use phoneup::wire::device_info::parse_page;

fuzz_target!(|data: &[u8]| {
    let Ok(page) = parse_page(data) else { return };
    let line = page.to_string();
    assert!(!line.chars().any(char::is_control), "{line:?}");
    for value in [&page.mac_address, &page.app_load_id, &page.boot_load_id, &page.model_number].into_iter().flatten() {
        assert!(!value.is_empty() && value.trim() == value, "{value:?}");
    }
    let _ = (page.mac(), page.app_load(), page.boot_load(), page.model());
});
