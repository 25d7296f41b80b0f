//! The two phones phoneup serves, and how configuration files address each of them.

use std::fmt;

use clap::ValueEnum;
use serde::Serialize;

/// Which phones a plan's files address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, ValueEnum, Serialize)]
pub enum Model {
    /// Both the 7940 and the 7960 (the files name each).
    #[default]
    #[value(name = "both")]
    #[serde(rename = "both")]
    Both,
    #[value(name = "7940")]
    #[serde(rename = "7940")]
    M7940,
    #[value(name = "7960")]
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

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::Both => "7940 and 7960",
            Model::M7940 => "7940",
            Model::M7960 => "7960",
        })
    }
}
