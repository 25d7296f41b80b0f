//! The registry's decisions, one at a time, in memory.

#[allow(unused_imports)]
use super::*;
