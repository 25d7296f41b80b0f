//! The phone model's own web page: what a 7940/7960 running a load answers at
//! `http://<phone>/DeviceInformationX`, or that it has no web server there. An SCCP application
//! of the UAL era (6.0 and later) answers with an XML page naming its MAC, host name, load ID
//! (`appLoadID`) and model (`modelNumber`, `CP-7940`): seen on a real 7940 on SCCP 8.1(2)
//! (FusionInventory's "Specs for POIP", github.com/fusioninventory/fusioninventory.github.io,
//! `_documentation/dev/spec/poip.md`); the other SCCP loads of that era are assumed to answer
//! alike. Every other load answers nothing: SIP loads have no web interface (the 7940/7960 SIP
//! phones are configured over TFTP and telnet only: oldwiki.funkfeuer.at, "Cisco 7940"), and
//! what the UAL loader and the older SCCP images serve is unknown, so the model serves nothing
//! for them and nothing is inferred from it.
//!
//! May use: [`crate::knowledge`].

use crate::knowledge::load_id::{Era, Kind, LoadId, Protocol};
use crate::knowledge::phones::Model;

/// The page a phone running `running` serves, or `None` when it has no web server (a
/// connection refused). `mac` is twelve hex digits.
pub fn device_information(running: &LoadId, model: Model, mac: &str) -> Option<String> {
    let serves = running.kind() == Kind::Application
        && running.protocol() == Some(Protocol::Sccp)
        && running.era() == Some(Era::Ual);
    if !serves {
        return None;
    }
    let model_number = match model {
        Model::M7960 => "CP-7960",
        Model::M7940 | Model::Both => "CP-7940",
    };
    let version = running
        .version()
        .map(|v| format!("\n<versionID>{v}</versionID>"))
        .unwrap_or_default();
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n<DeviceInformation>\n<MACAddress>{mac}</MACAddress>\n<HostName>SEP{mac}</HostName>\n<appLoadID>{}</appLoadID>{version}\n<modelNumber>{model_number}</modelNumber>\n</DeviceInformation>\n",
        running.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sccp_application_of_the_ual_era_serves_its_page_and_other_loads_none() {
        let page = |load: &str| {
            device_information(&LoadId::parse(load).unwrap(), Model::M7960, "0018B9000001")
        };
        let sccp = page("P00308010200").expect("SCCP 8.1(2) serves its page");
        assert!(
            sccp.contains("<appLoadID>P00308010200</appLoadID>"),
            "{sccp}"
        );
        assert!(sccp.contains("<MACAddress>0018B9000001</MACAddress>"));
        assert!(sccp.contains("<modelNumber>CP-7960</modelNumber>"));
        for none in [
            "P0S3-08-11-00",
            "P003-08-11-00",
            "P00305000301",
            "P00303010102",
        ] {
            assert_eq!(page(none), None, "{none}");
        }
    }
}
