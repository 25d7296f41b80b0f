//! What serve answers, for one managed phone, when it asks for one of the six files that name a
//! load: `OS79XX.TXT`, `XMLDefault.cnf.xml`, `SEP<MAC>.cnf.xml`, `SIPDefault.cnf`,
//! `SIP<MAC>.cnf` and `MGCDefault.cnf`. A [`Directive`] says which load each names (or that the
//! file must be absent); the answer is the user's own file from the served directory with only
//! that line changed, by the same editors as `phoneup apply`, or a file rendered the way `apply`
//! renders it when the user has none (`OS79XX.TXT`, `XMLDefault.cnf.xml`, `SIPDefault.cnf`,
//! `MGCDefault.cnf`). Per-phone files the user
//! does not have are never made up: they stay absent.
//!
//! May use: [`crate::files`], [`crate::knowledge`], [`crate::wire::serve::directory`],
//! [`crate::wire::serve::neighbours`] (which per-phone file a name is).

use serde::{Deserialize, Serialize};

use crate::files::per_phone::PerPhoneFile;
use crate::files::{mgc_default_cnf, os79xx_txt, sip_default_cnf, xml_default_cnf_xml};
use crate::knowledge::phones::Model;
use crate::wire::serve::directory::Directory;
use crate::wire::serve::neighbours::per_phone_file_of;

/// Which load each managed file names; `None`: the file must be absent (TFTP error 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Directive {
    /// The image `OS79XX.TXT` names.
    pub os79xx: Option<String>,
    /// The load `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml` name; `Some("")`: served, with
    /// their `loadInformation` elements empty ([`Directive::nothing`]).
    pub xml_load: Option<String>,
    /// The `image_version` of `SIPDefault.cnf` and `SIP<MAC>.cnf`.
    pub image_version: Option<String>,
}

impl Directive {
    /// Every managed file absent: nothing names another load, so nothing changes.
    pub fn hold() -> Directive {
        Directive::default()
    }

    /// A probe that names no load: `XMLDefault.cnf.xml` (and the user's `SEP<MAC>.cnf.xml`) is
    /// served with its `loadInformation` empty, every other managed file is absent. In the phone
    /// model a UAL-era SIP or MGCP application then goes on to its own files, an SCCP one starts,
    /// and a bare loader stops at "Protocol Application Invalid": none takes an image, and their
    /// requests part by protocol.
    pub fn nothing() -> Directive {
        Directive {
            os79xx: None,
            xml_load: Some(String::new()),
            image_version: None,
        }
    }

    /// Every managed file names `load` (and `OS79XX.TXT` the image `os79xx`): a phone running
    /// `load` keeps it; any other asks for an image.
    pub fn naming(load: &str, os79xx: &str) -> Directive {
        Directive {
            os79xx: Some(os79xx.to_string()),
            xml_load: Some(load.to_string()),
            image_version: Some(load.to_string()),
        }
    }
}

/// The files serve answers per phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Managed {
    Os79xx,
    XmlDefault,
    SepXml,
    SipDefault,
    SipMac,
    /// `MGCDefault.cnf`: the MGCP applications' `SIPDefault.cnf`, the hunt's last file.
    MgcDefault,
}

impl Managed {
    /// Which managed file `name` (relative, as asked) is for the phone with `mac`.
    pub fn of(name: &str, mac: &str) -> Option<Managed> {
        if name == os79xx_txt::FILE_NAME {
            Some(Managed::Os79xx)
        } else if name == xml_default_cnf_xml::FILE_NAME {
            Some(Managed::XmlDefault)
        } else if name == sip_default_cnf::FILE_NAME {
            Some(Managed::SipDefault)
        } else if name == mgc_default_cnf::FILE_NAME {
            Some(Managed::MgcDefault)
        } else {
            match per_phone_file_of(name, mac)? {
                PerPhoneFile::SepXml => Some(Managed::SepXml),
                PerPhoneFile::SipCnf => Some(Managed::SipMac),
                _ => None,
            }
        }
    }
}

/// The answer: `Ok(Some(bytes))` to send, `Ok(None)` for TFTP error 1, `Err(why)` when the
/// user's own file cannot be edited (it is then answered as absent, and the reason reported).
pub fn render(
    file: Managed,
    name: &str,
    directive: &Directive,
    dir: &impl Directory,
) -> Result<Option<Vec<u8>>, String> {
    render_over(file, name, directive, || user_text(dir, name))
}

/// The user's own copy of `name` in DIR as text (`Ok(None)`: the user has none); an error when
/// it is not UTF-8, which serve edits never.
pub fn user_text(dir: &impl Directory, name: &str) -> Result<Option<String>, String> {
    dir.read_small(name)
        .map(|bytes| String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text")))
        .transpose()
}

/// [`render`] over the user's own copy of the file as `user` reads it (`Ok(None)`: the user has
/// none), read only when the directive names something there.
pub fn render_over(
    file: Managed,
    name: &str,
    directive: &Directive,
    user: impl Fn() -> Result<Option<String>, String>,
) -> Result<Option<Vec<u8>>, String> {
    Ok(match file {
        Managed::Os79xx => directive
            .os79xx
            .as_deref()
            .map(|image| os79xx_txt::render(image).into_bytes()),
        Managed::XmlDefault | Managed::SepXml => match &directive.xml_load {
            None => None,
            Some(load) => match (user()?, file) {
                (Some(text), _) => Some(
                    if load.is_empty() {
                        xml_default_cnf_xml::clear_load(&text, Model::Both)
                    } else {
                        xml_default_cnf_xml::set_load(&text, load, Model::Both)
                    }
                    .map_err(|why| format!("{name}: {why}"))?
                    .into_bytes(),
                ),
                (None, Managed::XmlDefault) => {
                    Some(xml_default_cnf_xml::render(load, Model::Both).into_bytes())
                }
                (None, _) => None,
            },
        },
        Managed::SipDefault | Managed::SipMac | Managed::MgcDefault => {
            match &directive.image_version {
                None => None,
                // The two defaults share one syntax (mgc_default_cnf uses sip_default_cnf's).
                Some(load) => match (user()?, file) {
                    (Some(text), _) => {
                        Some(sip_default_cnf::set_image_version(&text, load).into_bytes())
                    }
                    (None, Managed::SipDefault) => Some(sip_default_cnf::render(load).into_bytes()),
                    (None, Managed::MgcDefault) => Some(mgc_default_cnf::render(load).into_bytes()),
                    (None, _) => None,
                },
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::serve::memory::Memory;

    #[test]
    fn the_users_file_keeps_every_other_byte() {
        let mut dir = Memory::new();
        dir.insert(
            "SIPDefault.cnf",
            "# mine\r\nproxy1_address: 192.0.2.1\r\nimage_version: P0S3-06-3-00\r\n",
        );
        let directive = Directive::naming("P0S3-08-11-00", "P003-08-11-00");
        let sip = render(Managed::SipDefault, "SIPDefault.cnf", &directive, &dir)
            .unwrap()
            .unwrap();
        assert_eq!(
            String::from_utf8(sip).unwrap(),
            "# mine\r\nproxy1_address: 192.0.2.1\r\nimage_version: P0S3-08-11-00\r\n"
        );
        // The user has no XMLDefault.cnf.xml: rendered; no SEP<MAC>.cnf.xml: stays absent.
        assert!(
            render(Managed::XmlDefault, "XMLDefault.cnf.xml", &directive, &dir)
                .unwrap()
                .is_some()
        );
        assert_eq!(
            render(Managed::SepXml, "SEP0018B9FFFFFF.cnf.xml", &directive, &dir).unwrap(),
            None
        );
        assert_eq!(
            render(Managed::Os79xx, "OS79XX.TXT", &Directive::hold(), &dir).unwrap(),
            None
        );
        assert_eq!(
            Managed::of("SIP0018B9FFFFFF.cnf", "0018B9FFFFFF"),
            Some(Managed::SipMac)
        );
        assert_eq!(Managed::of("SIP0018B9FFFFFE.cnf", "0018B9FFFFFF"), None);
    }

    #[test]
    fn each_managed_name_is_known_and_another_phones_is_not() {
        let mac = "0018B9FFFFFF";
        for (name, managed) in [
            ("OS79XX.TXT", Some(Managed::Os79xx)),
            ("XMLDefault.cnf.xml", Some(Managed::XmlDefault)),
            ("SIPDefault.cnf", Some(Managed::SipDefault)),
            ("MGCDefault.cnf", Some(Managed::MgcDefault)),
            ("SEP0018B9FFFFFF.cnf.xml", Some(Managed::SepXml)),
            ("SIP0018B9FFFFFF.cnf", Some(Managed::SipMac)),
            ("SEP0018B9FFFFFE.cnf.xml", None),
            ("CTLSEP0018B9FFFFFF.tlv", None),
            ("P0S3-08-11-00.sb2", None),
        ] {
            assert_eq!(Managed::of(name, mac), managed, "{name}");
        }
        // The phone's own SEP<MAC>.cnf.xml names the load serve chose, every other byte kept.
        let mut dir = Memory::new();
        dir.insert(
            "SEP0018B9FFFFFF.cnf.xml",
            "<device><loadInformation>P00308000400</loadInformation><x/></device>",
        );
        let directive = Directive::naming("P00308010200", "P00308010200");
        let sep = render(Managed::SepXml, "SEP0018B9FFFFFF.cnf.xml", &directive, &dir)
            .unwrap()
            .unwrap();
        let sep = String::from_utf8(sep).unwrap();
        assert!(
            sep.contains("P00308010200") && !sep.contains("P00308000400"),
            "{sep}"
        );
        assert!(sep.contains("<x/>"), "{sep}");
    }

    #[test]
    fn a_probe_that_names_nothing_serves_the_xml_files_empty_and_nothing_else() {
        use crate::files::xml_default_cnf_xml::load_information;
        let mut dir = Memory::new();
        dir.insert(
            "SEP0018B9FFFFFF.cnf.xml",
            "<Default><loadInformation7 model=\"IP Phone 7960\">P00308000400</loadInformation7><x/></Default>",
        );
        dir.insert("SIPDefault.cnf", "image_version: P0S3-06-3-00\n");
        let nothing = Directive::nothing();
        for name in ["XMLDefault.cnf.xml", "SEP0018B9FFFFFF.cnf.xml"] {
            let file = Managed::of(name, "0018B9FFFFFF").unwrap();
            let text = render(file, name, &nothing, &dir).unwrap().unwrap();
            let text = String::from_utf8(text).unwrap();
            assert_eq!(
                load_information(&text, "loadInformation7"),
                Ok(None),
                "{text}"
            );
            assert_eq!(
                load_information(&text, "loadInformation8"),
                Ok(None),
                "{text}"
            );
        }
        for (file, name) in [
            (Managed::Os79xx, "OS79XX.TXT"),
            (Managed::SipDefault, "SIPDefault.cnf"),
        ] {
            assert_eq!(render(file, name, &nothing, &dir).unwrap(), None, "{name}");
        }
    }
}
