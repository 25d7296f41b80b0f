#![no_main]
//! The CDP frame reader on any bytes: never a panic; a frame it reads shows as one line with
//! nothing raw in it, names a phone only when the sender is that phone, and reads the same with
//! bytes past its 802.3 length (a frame check sequence, padding).
use libfuzzer_sys::fuzz_target;
use phoneup::wire::cdp::{parse_frame, MAX_FRAME_LEN};

fuzz_target!(|data: &[u8]| {
    let Ok(heard) = parse_frame(data) else { return };
    let line = heard.to_string();
    assert!(!line.chars().any(char::is_control), "{line:?}");
    if let Some(mac) = heard.phone_mac() {
        assert_eq!(mac, heard.source);
        assert!(heard.device_id.as_ref().unwrap().text.to_ascii_uppercase().contains(&mac.to_string()));
    }
    if data.len() + 4 <= MAX_FRAME_LEN {
        let mut longer = data.to_vec();
        longer.extend([0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(parse_frame(&longer).as_ref(), Ok(&heard));
    }
});
