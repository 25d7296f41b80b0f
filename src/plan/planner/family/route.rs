//! The route of a family plan: the fewest reboots through the family's catalogue where every
//! jump has an allowing rule and none refuses it or leaves it open, then the most confident
//! steps, then a bridge of the phone's own protocol; and the check of one direct jump, which
//! names the bridge release a refusal asks for.

use serde::Serialize;

use super::stage::{stage, FamilyStage};
use super::{judge, Judgement, LoadView, Phones, RuleView};
use crate::knowledge::family::{JavaLoad, KeyEra, Release};
use crate::knowledge::matrix::families::FamilyRule;
use crate::knowledge::matrix::{Confidence, Matrix};

/// A plan for a Java-based phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyPlan {
    pub phones: String,
    /// The `--model` value, when the user named one.
    pub model: Option<String>,
    pub from: LoadView,
    pub to: LoadView,
    pub stages: Vec<FamilyStage>,
    /// Cautions about the whole plan, with their evidence keys.
    pub notes: Vec<String>,
}

/// Why no plan: the direct jump's verdict, and what phoneup knows and does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FamilyCheck {
    pub phones: String,
    /// The `--model` value, when the user named one.
    pub model: Option<String>,
    pub from: LoadView,
    pub to: LoadView,
    /// `safe`, `refused` or `unknown`.
    pub verdict: String,
    pub rule: Option<RuleView>,
    /// For a refusal: the release to stage first, and the catalogue's load of it.
    pub bridge: Option<String>,
    pub bridge_load: Option<String>,
    pub cautions: Vec<String>,
}

impl FamilyCheck {
    pub fn is_safe(&self) -> bool {
        self.verdict == "safe"
    }
}

/// A plan, or the check of the direct jump when no route exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FamilyOutcome {
    Plan(FamilyPlan),
    NoPath(FamilyCheck),
}

fn penalty(confidence: Confidence) -> u32 {
    match confidence {
        Confidence::High => 0,
        Confidence::Medium => 1,
        Confidence::Low => 3,
    }
}

/// The loads a route may pass: the catalogue's loads of the family.
fn intermediates<'m>(matrix: &'m Matrix, phones: &Phones) -> Vec<&'m JavaLoad> {
    matrix
        .families
        .loads
        .iter()
        .filter(|l| l.id.family() == phones.family)
        .map(|l| &l.id)
        .collect()
}

/// A route's steps: each load after the start, with the rule that allows the jump to it.
type Steps<'m> = Vec<(JavaLoad, &'m FamilyRule)>;

/// The best route from `from` to `to`, of at most three reboots (the sources describe at most a
/// bridge and a protocol change): its loads after `from`, each with its rule.
fn route<'m>(
    matrix: &'m Matrix,
    phones: &Phones,
    from: &JavaLoad,
    to: &JavaLoad,
) -> Option<Steps<'m>> {
    let allowed = |a: &JavaLoad, b: &JavaLoad| match judge(&matrix.families, phones, a, b) {
        Judgement::Allowed(rule) => Some(rule),
        _ => None,
    };
    let mut best: Option<((usize, u32, u32), Steps<'m>)> = None;
    let mut consider = |steps: Steps<'m>| {
        let cost: u32 = steps.iter().map(|(_, r)| penalty(r.confidence)).sum();
        // A bridge of the phone's own protocol (the way the field went) before one that converts.
        let converts_early = steps[..steps.len() - 1]
            .iter()
            .filter(|(l, _)| l.protocol().is_sip() != from.protocol().is_sip())
            .count() as u32;
        let key = (steps.len(), cost, converts_early);
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, steps));
        }
    };
    if let Some(rule) = allowed(from, to) {
        consider(vec![(to.clone(), rule)]);
    }
    let middle = intermediates(matrix, phones);
    let distinct = |l: &JavaLoad| l.name() != from.name() && l.name() != to.name();
    for a in middle.iter().filter(|l| distinct(l)) {
        let Some(first) = allowed(from, a) else {
            continue;
        };
        if let Some(last) = allowed(a, to) {
            consider(vec![((*a).clone(), first), (to.clone(), last)]);
        }
        for b in middle
            .iter()
            .filter(|l| distinct(l) && l.name() != a.name())
        {
            if let (Some(second), Some(last)) = (allowed(a, b), allowed(b, to)) {
                consider(vec![
                    ((*a).clone(), first),
                    ((*b).clone(), second),
                    (to.clone(), last),
                ]);
            }
        }
    }
    best.map(|(_, steps)| steps)
}

/// The catalogue's load of `release` for the family, the phone's own protocol first.
fn bridge_load(
    matrix: &Matrix,
    phones: &Phones,
    from: &JavaLoad,
    release: &Release,
) -> Option<String> {
    let mut candidates: Vec<&JavaLoad> = intermediates(matrix, phones)
        .into_iter()
        .filter(|l| l.release().cmp_release(release).is_eq() && l.release().special.is_none())
        .collect();
    candidates.sort_by_key(|l| l.protocol().is_sip() != from.protocol().is_sip());
    candidates.first().map(|l| l.name().to_string())
}

/// Checks one direct jump.
pub fn check(matrix: &Matrix, phones: &Phones, from: &JavaLoad, to: &JavaLoad) -> FamilyCheck {
    let judgement = judge(&matrix.families, phones, from, to);
    let (verdict, rule) = match judgement {
        Judgement::Allowed(rule) => ("safe", Some(rule)),
        Judgement::Refused(rule) => ("refused", Some(rule)),
        Judgement::Unknown(rule) => ("unknown", rule),
    };
    let bridge = rule
        .filter(|_| verdict == "refused")
        .and_then(|r| r.bridge.clone());
    let bridge_load = bridge
        .as_ref()
        .and_then(|release| bridge_load(matrix, phones, from, release));
    let mut cautions = Vec::new();
    if bridge.is_some() {
        cautions.extend(matrix.families.caution("bridge"));
    }
    FamilyCheck {
        phones: phones.describe(),
        model: phones.model_value(),
        from: LoadView::of(from),
        to: LoadView::of(to),
        verdict: verdict.to_string(),
        rule: rule.map(|r| RuleView::of(matrix, r)),
        bridge: bridge.map(|b| b.to_string()),
        bridge_load,
        cautions,
    }
}

/// Plans a family route, or says why there is none.
pub fn plan(matrix: &Matrix, phones: &Phones, from: &JavaLoad, to: &JavaLoad) -> FamilyOutcome {
    let Some(steps) = route(matrix, phones, from, to) else {
        return FamilyOutcome::NoPath(check(matrix, phones, from, to));
    };
    let mut stages = Vec::with_capacity(steps.len());
    let mut previous = from.clone();
    for (index, (load, rule)) in steps.iter().enumerate() {
        stages.push(stage(
            matrix,
            phones,
            index + 1,
            steps.len(),
            &previous,
            load,
            rule,
        ));
        previous = load.clone();
    }
    let mut notes: Vec<String> = Vec::new();
    if from.key_era() == KeyEra::Old && steps.len() > 1 {
        notes.extend(matrix.families.caution("bridge"));
    }
    notes.extend(matrix.families.caution("sep-first"));
    notes.extend(matrix.families.caution("xml-default-numbers"));
    notes.extend(matrix.families.caution("term-overwrite"));
    FamilyOutcome::Plan(FamilyPlan {
        phones: phones.describe(),
        model: phones.model_value(),
        from: LoadView::of(from),
        to: LoadView::of(to),
        stages,
        notes,
    })
}
