//! The two phones phoneup serves, and how configuration files address each of them.

use std::fmt;

use serde::Serialize;

/// Which phones a plan's files address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum Model {
    /// Both the 7940 and the 7960 (the files name each).
    #[default]
    #[serde(rename = "both")]
    Both,
    #[serde(rename = "7940")]
    M7940,
    #[serde(rename = "7960")]
    M7960,
}

/// A phone model as `XMLDefault.cnf.xml` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadInformation {
    /// The element name, `loadInformation<model id>`.
    pub element: &'static str,
    /// The `model` attribute.
    pub model: &'static str,
}

const P7940: LoadInformation = LoadInformation {
    element: "loadInformation8",
    model: "IP Phone 7940",
};
const P7960: LoadInformation = LoadInformation {
    element: "loadInformation7",
    model: "IP Phone 7960",
};

impl Model {
    /// The single phones this stands for: `Both` is a 7940 and a 7960.
    pub fn phones(self) -> &'static [Model] {
        match self {
            Model::Both => &[Model::M7940, Model::M7960],
            Model::M7940 => &[Model::M7940],
            Model::M7960 => &[Model::M7960],
        }
    }

    /// The `loadInformation` elements a file for this model carries, 7940 first.
    pub fn load_information(self) -> &'static [LoadInformation] {
        match self {
            Model::Both => &[P7940, P7960],
            Model::M7940 => &[P7940],
            Model::M7960 => &[P7960],
        }
    }
}

impl Model {
    /// The one phone a name from Cisco's own software stands for: CDP's Platform (`Cisco IP
    /// Phone 7960`), the phone's web page (`modelNumber` `CP-7940`), DHCP's vendor class
    /// (`CP-7940G`) or `XMLDefault.cnf.xml` (`IP Phone 7940`), or the bare number; letter case
    /// and the `G` aside.
    /// `None` for any other phone (`Cisco IP Phone 7941`, `CP-7905G`) and for anything else.
    pub fn from_cisco_name(name: &str) -> Option<Model> {
        let lower = name.trim().to_ascii_lowercase();
        let mut rest = lower.as_str();
        for prefix in ["cisco ", "ip phone ", "cp-"] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        match rest.strip_suffix('g').unwrap_or(rest) {
            "7940" => Some(Model::M7940),
            "7960" => Some(Model::M7960),
            _ => None,
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::Both => "7940 and 7960",
            Model::M7940 => "7940",
            Model::M7960 => "7960",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cisco_names_one_phone_in_every_place_it_is_named() {
        for (name, model) in [
            ("Cisco IP Phone 7940", Model::M7940),
            ("Cisco IP Phone 7960", Model::M7960),
            ("CP-7940", Model::M7940),
            ("CP-7960G", Model::M7960),
            ("cp-7940g", Model::M7940),
            ("IP Phone 7960", Model::M7960),
            ("  Cisco IP Phone 7940\n", Model::M7940),
        ] {
            assert_eq!(Model::from_cisco_name(name), Some(model), "{name}");
        }
        for name in [
            "Cisco IP Phone 7941",
            "Cisco IP Phone 7971",
            "CP-7905G",
            "CP-6941",
            "cisco WS-C2950-12",
            "79400",
            "Cisco IP Phone 7940GG",
            "",
        ] {
            assert_eq!(Model::from_cisco_name(name), None, "{name}");
        }
    }
}
