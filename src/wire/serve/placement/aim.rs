//! Which load a boot aims at when the phone may still run several: the step every remaining
//! load may take safely (`phoneup check` calls the direct jump from it safe), so that one power
//! cycle moves the phone whichever it runs, and whether an image belongs to that step.
//!
//! May use: what [`crate::wire::serve::placement`] may, and [`crate::plan::check`].

use crate::knowledge::phones::Model;
use crate::plan::check::{check, Verdict};
use crate::wire::serve::placement::{Knowledge, Proposal};

/// A direct jump `phoneup check` calls safe: its rule, and the files the phone fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeJump {
    pub rule: String,
    pub firmware: Vec<String>,
}

/// How a load stands towards a boot's aim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Towards {
    /// The phone already runs it: it keeps its image.
    Already,
    /// A safe jump.
    Jump(SafeJump),
    /// Not safe, or unknown.
    Unsafe,
}

impl Knowledge<'_> {
    /// The jump from `from` to `to` as `phoneup check` sees it (cached).
    pub fn towards(&self, from: &str, to: &str) -> Towards {
        let key = (from.to_string(), to.to_string());
        if let Some(found) = self.jumps.borrow().get(&key) {
            return found.clone();
        }
        let towards = match check(self.matrix, from, to, Model::Both) {
            Ok(c) if c.verdict == Verdict::Already => Towards::Already,
            Ok(c) if c.verdict == Verdict::Safe => match (c.rule, c.stage) {
                (Some(rule), Some(stage)) => Towards::Jump(SafeJump {
                    rule,
                    firmware: stage.firmware,
                }),
                _ => Towards::Unsafe,
            },
            _ => Towards::Unsafe,
        };
        self.jumps.borrow_mut().insert(key, towards.clone());
        towards
    }

    /// Reboots from `load` to `target` by its plan (0 there; `None`: no plan).
    pub fn stages(&self, load: &str, target: &str) -> Option<usize> {
        match self.proposal(load, target) {
            Proposal::Stage { stages, .. } => Some(stages),
            Proposal::Done { .. } => Some(0),
            Proposal::NoPath { .. } => None,
        }
    }
}

/// The load a group of proposals leads to (`Done`: the target).
pub(super) fn destination(proposal: &Proposal, target: &str) -> Option<String> {
    match proposal {
        Proposal::Stage { to, .. } => Some(to.clone()),
        Proposal::Done { .. } => Some(target.to_string()),
        Proposal::NoPath { .. } => None,
    }
}

/// The extra power cycles aiming at `aim` costs a phone running `load`, against its own plan;
/// `None` when the step is not safe for it.
pub(super) fn extra(k: &Knowledge, load: &str, aim: &str, target: &str) -> Option<usize> {
    let own = k.stages(load, target)?;
    if destination(&k.proposal(load, target), target).as_deref() == Some(aim) {
        return Some(0);
    }
    if own == 0 {
        // A phone on its target is never moved off it.
        return None;
    }
    let after = match k.towards(load, aim) {
        // One boot that shows it, then its own plan.
        Towards::Already => return Some(1),
        Towards::Jump(_) => 1 + k.stages(aim, target)?,
        Towards::Unsafe => return None,
    };
    Some(after.saturating_sub(own))
}

/// Of the loads `options`, the one every candidate may step to safely at the least extra cost
/// in all (ties: the earlier option), if any.
pub(super) fn safe_for_all(
    k: &Knowledge,
    candidates: &[String],
    options: &[String],
    target: &str,
) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    for aim in options {
        let cost: Option<usize> = candidates.iter().map(|c| extra(k, c, aim, target)).sum();
        if let Some(cost) = cost {
            if best.is_none_or(|(b, _)| cost < b) {
                best = Some((cost, aim));
            }
        }
    }
    best.map(|(_, aim)| aim.clone())
}

/// The loads that keep the best step from being safe for every candidate: for each load some
/// candidate's plan steps to, those candidates that may not take it; the fewest (ties: the
/// cheaper, then the earlier). `None` when no load has a candidate that may take it.
pub(super) fn blockers(k: &Knowledge, candidates: &[String], target: &str) -> Option<Vec<String>> {
    let mut options: Vec<String> = Vec::new();
    for c in candidates {
        if let Some(to) = destination(&k.proposal(c, target), target) {
            if !options.contains(&to) {
                options.push(to);
            }
        }
    }
    let mut best: Option<(usize, usize, Vec<String>)> = None;
    for aim in &options {
        let mut blocking = Vec::new();
        let mut cost = 0;
        for c in candidates {
            match extra(k, c, aim, target) {
                Some(extra) => cost += extra,
                None => blocking.push(c.clone()),
            }
        }
        if blocking.len() == candidates.len() {
            continue;
        }
        let better = match &best {
            None => true,
            Some((n, b, _)) => (blocking.len(), cost) < (*n, *b),
        };
        if better {
            best = Some((blocking.len(), cost, blocking));
        }
    }
    best.map(|(_, _, blocking)| blocking)
}

/// Whether `name` is one of the files the jump from `load` to `aim` fetches.
pub(super) fn fetched_on_the_way(k: &Knowledge, load: &str, aim: &str, name: &str) -> bool {
    match k.towards(load, aim) {
        Towards::Jump(jump) => jump.firmware.iter().any(|f| f.eq_ignore_ascii_case(name)),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
