//! The per-phone files (`CTLSEP<MAC>.tlv`, `SEP<MAC>.cnf.xml`, `SIP<MAC>.cnf`, `MGC<MAC>.cnf`)
//! and the MAC address in their names.

use crate::error::Error;

/// `00:18:b9:ff:ff:ff`, `00-18-B9-FF-FF-FF` or `0018B9FFFFFF`, as the phone spells it in file
/// names: twelve upper-case hex digits. `flag` names the option in the error.
pub fn parse_mac(text: &str, flag: &'static str) -> Result<String, Error> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(digits.to_ascii_uppercase())
    } else {
        Err(Error::BadMac {
            flag,
            value: text.to_string(),
        })
    }
}
