//! Where a phone is on its plan to `--to`: done, rebooting into the next stage, waiting for it,
//! off the plan, or with no path.

use crate::knowledge::firmware::FirmwareKind;
use crate::knowledge::load_id::LoadId;
use crate::phone::recognise::Name;
use crate::plan::{Outcome as PlanOutcome, Planner, Request as PlanRequest};

use super::model::{BootReport, StageReport, Target};

/// Where the phone is on its plan to `target.to`.
pub(super) fn stage(boots: &[BootReport], target: &Target, planner: &Planner) -> StageReport {
    let to = target.to.clone();
    let known: Vec<&str> = boots.iter().filter_map(|b| b.running.as_deref()).collect();
    let (Some(first), Some(latest)) = (known.first(), known.last()) else {
        return StageReport {
            to: to.clone(),
            plan_from: None,
            reboots: None,
            done: None,
            status: "unknown",
            next: format!(
                "the log does not show which load it runs: read its App Load ID (Settings > Status > Firmware Versions) and run `phoneup plan --from <App Load ID> --to {to}`"
            ),
        };
    };
    let same = |a: &str, b: &str| matches!((LoadId::parse(a), LoadId::parse(b)), (Ok(x), Ok(y)) if x.match_key() == y.match_key());
    let plan = match planner.plan(&PlanRequest::new(*first, to.clone())) {
        Ok(PlanOutcome::Plan(plan)) => plan,
        Ok(PlanOutcome::NoPath(no_path)) => {
            return StageReport {
                to,
                plan_from: Some(first.to_string()),
                reboots: None,
                done: None,
                status: "no_path",
                next: no_path.reasons.join(" "),
            }
        }
        Err(error) => {
            return StageReport {
                to,
                plan_from: Some(first.to_string()),
                reboots: None,
                done: None,
                status: "no_path",
                next: error.to_string(),
            }
        }
    };
    let n = plan.reboots;
    let apply = |stage: usize| {
        format!(
            "phoneup apply --from {} --to {} --stage {stage} --tftp-root DIR",
            plan.from, plan.to
        )
    };
    let Some(done) = plan.path.iter().position(|load| same(load, latest)) else {
        return StageReport {
            to: to.clone(),
            plan_from: Some(first.to_string()),
            reboots: Some(n),
            done: None,
            status: "off_plan",
            next: format!(
                "it runs {latest}, which the plan from {first} does not pass: plan again with `phoneup plan --from {latest} --to {to}`"
            ),
        };
    };
    if done == n {
        return StageReport {
            to: to.clone(),
            plan_from: Some(first.to_string()),
            reboots: Some(n),
            done: Some(done),
            status: "done",
            next: if n == 0 {
                format!("done: it runs {to}")
            } else {
                format!("done: it runs {to}, after the {n} reboot(s) of the plan from {first}")
            },
        };
    }
    let next_load = &plan.path[done + 1];
    let last = boots.last().expect("a known load means a boot");
    let fetched_next = last.running.as_deref().is_some_and(|r| same(r, latest))
        && last.fetched.iter().any(|f| {
            matches!(Name::of(f), Name::Image { load, ext } if ext.kind() == FirmwareKind::Image && same(load, next_load))
        });
    if fetched_next {
        return StageReport {
            to,
            plan_from: Some(first.to_string()),
            reboots: Some(n),
            done: Some(done),
            status: "rebooting",
            next: format!(
                "reboot {} of {n} ({latest} to {next_load}) is under way: it fetched the image; when it is back, confirm its App Load ID{}",
                done + 1,
                if done + 2 <= n {
                    format!(", then reboot {}: {}", done + 2, apply(done + 2))
                } else {
                    ": that is the last reboot".to_string()
                }
            ),
        };
    }
    StageReport {
        to,
        plan_from: Some(first.to_string()),
        reboots: Some(n),
        done: Some(done),
        status: "waiting",
        next: format!(
            "reboot {} of {n} ({latest} to {next_load}) is next: {}",
            done + 1,
            apply(done + 1)
        ),
    }
}
