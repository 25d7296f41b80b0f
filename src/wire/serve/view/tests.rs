use std::sync::mpsc;

use super::table::{action, fit_words, short_why, width, BOOTING_MS, ELISION};
use super::*;
use crate::wire::serve::events::{Event, Kind, Row};

const NOW: u64 = 1_000_000_000;

fn row(mac: &str, state: State) -> Row {
    Row {
        mac: mac.into(),
        address: format!("127.0.0.{}:40000", &mac[10..]),
        model: None,
        running: "P0S3-06-3-00".into(),
        stage: "1 of 2".into(),
        file: None,
        state,
        last_seen_ms: NOW - 60_000,
        why: None,
    }
}

/// A phone in every state the table shows, and one never seen.
fn bench() -> Board {
    let mut rows = vec![
        Row {
            running: "before the UAL, 3 loads possible".into(),
            stage: "1 of 3".into(),
            last_seen_ms: NOW - 2_000,
            ..row("0018B9000011", State::Waiting)
        },
        row("0018B9000012", State::Waiting),
        Row {
            file: Some(("P003-08-11-00.sbn".into(), 5_000, Some(10_000))),
            last_seen_ms: NOW - 1_000,
            ..row("0018B9000013", State::Transferring)
        },
        row("0018B9000014", State::Rebooting),
        Row {
            running: "P0S3-08-11-00".into(),
            stage: "2 of 2".into(),
            ..row("0018B9000015", State::Done)
        },
        Row {
            why: Some("CTLSEP loop: it asks for CTLSEP<MAC>.tlv again and again although serve answers File not found; our answers do not reach it (a firewall blocking the TFTP data port? MCLEAN-CTLSEP, VI-FWISSUES, TCG-7960)".into()),
            ..row("0018B9000016", State::Stuck)
        },
        Row {
            why: Some("the stage did not take: it should have come back on P003-08-11-00, but its requests show P0S3-06-3-00 (it came back on the load it left); serve holds it".into()),
            ..row("0018B9000017", State::Failed)
        },
    ];
    let rows = rows.drain(..).map(|r| (r.mac.clone(), r)).collect();
    Board {
        rows,
        expected: vec!["0018B9000011".into(), "0018B9000018".into()],
        state_error: None,
    }
}

fn headings(lines: &[String]) -> Vec<&str> {
    lines[0].split_whitespace().collect()
}

#[test]
fn every_state_says_what_to_do_next_in_words() {
    let board = bench();
    let next: Vec<(&str, &str, String)> = board
        .states()
        .into_iter()
        .map(|(mac, shown, row)| (mac, shown.name(), action(row, NOW)))
        .collect();
    let expect = [
        ("0018B9000011", "waiting", "hands off: booting"),
        ("0018B9000012", "waiting", "power-cycle it"),
        ("0018B9000013", "transferring", "hands off: fetching 50%"),
        ("0018B9000014", "rebooting", "hands off: flashing"),
        ("0018B9000015", "done", "done: unplug"),
        ("0018B9000016", "stuck", "stuck: CTLSEP loop"),
        ("0018B9000017", "failed", "failed: the stage did not take"),
        ("0018B9000018", "not seen", "not seen yet"),
    ];
    let got: Vec<(&str, &str, &str)> = next.iter().map(|(m, s, a)| (*m, *s, a.as_str())).collect();
    assert_eq!(got, expect);
    // Waiting turns from "hands off" to "power-cycle it" once the phone has been quiet for
    // BOOTING_MS.
    let quiet = Row {
        last_seen_ms: NOW - BOOTING_MS,
        ..row("0018B9000011", State::Waiting)
    };
    assert_eq!(action(Some(&quiet), NOW), "power-cycle it");
    let never = Row {
        last_seen_ms: 0,
        ..quiet
    };
    assert_eq!(action(Some(&never), NOW), "power-cycle it");
    let no_size = Row {
        file: Some(("x.bin".into(), 2048, None)),
        ..row("0018B9000013", State::Transferring)
    };
    assert_eq!(action(Some(&no_size), NOW), "hands off: fetching");
    let failed_without_reason = row("0018B9000017", State::Failed);
    assert_eq!(
        action(Some(&failed_without_reason), NOW),
        "failed: see the reason below"
    );
}

#[test]
fn the_table_fits_every_width_from_80_up_eliding_columns_in_the_stated_order() {
    let board = bench();
    let all = [
        "MAC", "ADDRESS", "RUNNING", "STAGE", "FILE", "STATE", "LAST", "NEXT",
    ];
    let mut seen_widths = Vec::new();
    for columns in [60, 72, 80, 90, 100, 110, 120, 140, 200] {
        let lines = board.table(&Style::plain(), NOW, columns, 24);
        for line in &lines {
            assert!(
                width(line) < columns,
                "{columns}: {} columns: {line}",
                width(line)
            );
        }
        let shown = headings(&lines);
        let order: Vec<&str> = ELISION
            .iter()
            .copied()
            .filter(|c| all.contains(c))
            .collect();
        let gone: Vec<&str> = order
            .iter()
            .copied()
            .filter(|c| !shown.contains(c))
            .collect();
        assert_eq!(gone, order[..gone.len()], "{columns}: {shown:?}");
        assert!(
            shown.contains(&"NEXT") && shown.contains(&"STATE"),
            "{columns}"
        );
        seen_widths.push((columns, shown.len()));
    }
    // Wider terminals show more.
    assert!(
        seen_widths.windows(2).all(|w| w[0].1 <= w[1].1),
        "{seen_widths:?}"
    );
    assert_eq!(headings(&board.table(&Style::plain(), NOW, 200, 24)), all);
    // At 80: MAC, RUNNING, STAGE, STATE, NEXT at least.
    let eighty = board.table(&Style::plain(), NOW, 80, 24);
    let eighty = headings(&eighty);
    for column in ["MAC", "RUNNING", "STAGE", "STATE", "NEXT"] {
        assert!(eighty.contains(&column), "{eighty:?}");
    }
}

#[test]
fn the_table_at_80_and_140_columns() {
    let board = bench();
    insta::assert_snapshot!(
        "table_80",
        board.table(&Style::plain(), NOW, 80, 24).join("\n")
    );
    insta::assert_snapshot!(
        "table_140",
        board.table(&Style::plain(), NOW, 140, 24).join("\n")
    );
}

#[test]
fn running_is_never_cut_inside_a_word_and_reasons_go_below_whole() {
    assert_eq!(
        fit_words("before the UAL, 3 loads possible", 16),
        "3 loads possible"
    );
    assert_eq!(
        fit_words("before the UAL, 3 loads possible", 40),
        "before the UAL, 3 loads possible"
    );
    assert_eq!(fit_words("one two three", 9), "one two~");
    assert_eq!(fit_words("P0S3-08-11-00", 13), "P0S3-08-11-00");
    assert_eq!(short_why("a (b): c"), "a");
    assert_eq!(short_why("plain"), "plain");
    let lines = bench().table(&Style::plain(), NOW, 80, 24);
    let below = lines[9..lines.len() - 1].join(" ");
    let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let why = bench().rows["0018B9000017"].why.clone().unwrap();
    let joined = words(&below).join(" ");
    assert!(joined.contains(&words(&why).join(" ")), "{below}");
    assert!(
        lines[9].starts_with("0018B9000016: CTLSEP loop"),
        "{lines:#?}"
    );
}

#[test]
fn the_model_column_is_there_only_when_serve_knows_a_model() {
    let mut board = bench();
    let shown = headings(&board.table(&Style::plain(), NOW, 200, 24)).len();
    board.rows.get_mut("0018B9000015").unwrap().model = Some("7960".into());
    let lines = board.table(&Style::plain(), NOW, 200, 24);
    assert!(headings(&lines).contains(&"MODEL"));
    assert_eq!(headings(&lines).len(), shown + 1);
    assert!(lines.iter().any(|l| l.contains(" 7960 ")), "{lines:#?}");
}

#[test]
fn a_bench_taller_than_the_terminal_keeps_the_table_within_its_height() {
    let mut board = Board::default();
    for n in 0..40 {
        let mac = format!("0018B90000{n:02}");
        board.rows.insert(mac.clone(), row(&mac, State::Waiting));
    }
    let lines = board.table(&Style::plain(), NOW, 80, 24);
    assert_eq!(lines.len(), 23, "{lines:#?}");
    assert!(
        lines[21].starts_with("... and 20 more phones"),
        "{lines:#?}"
    );
    assert!(lines[22].starts_with("40 phones: 40 waiting"), "{lines:#?}");
}

#[test]
fn a_state_that_cannot_be_written_is_said_under_the_table_whatever_its_height() {
    let mut board = bench();
    let why = "cannot write the state file /s/state.json: Not a directory (os error 20)";
    board.state_error = Some(format!("{why}\x1b[2J"));
    let lines = board.table(&Style::plain(), NOW, 200, 24);
    let said = lines
        .iter()
        .position(|l| l.starts_with("state not saved: "))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert_eq!(
        lines[said],
        format!("state not saved: {why}\\u{{1b}}[2J; serve will exit 1"),
        "under the rows, escaped"
    );
    assert!(
        lines[said + 1].starts_with("0018B9000016:"),
        "above the reasons: {lines:#?}"
    );
    // A bench taller than the terminal: the line is kept, the table within its height.
    for n in 0..40 {
        let mac = format!("0018B90001{n:02}");
        board.rows.insert(mac.clone(), row(&mac, State::Waiting));
    }
    let lines = board.table(&Style::plain(), NOW, 80, 24);
    assert_eq!(lines.len(), 23, "{lines:#?}");
    assert!(lines[21].starts_with("state not saved: "), "{lines:#?}");
    assert!(lines[20].starts_with("... and "), "{lines:#?}");
}

/// A screen clear, a window title, an imitation of phoneup's red, a carriage return, a line
/// feed, a bell.
const HOSTILE: &str = "x\x1b[2J\x1b]0;owned\x07\x1b[1;31m\r\nevent phone_done";

fn hostile_board() -> Board {
    let mut board = Board::default();
    let mut bad = row("0018B9000011", State::Stuck);
    bad.file = Some((HOSTILE.into(), 10, Some(100)));
    bad.why = Some(format!("it asks for {HOSTILE} again and again"));
    bad.running = HOSTILE.into();
    bad.model = Some(HOSTILE.into());
    board.rows.insert(bad.mac.clone(), bad);
    board
}

fn raw(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' || ('\u{fdd0}'..='\u{fdef}').contains(&c))
}

#[test]
fn names_from_the_network_are_escaped_in_the_table_and_the_summary() {
    for columns in [80, 200] {
        let lines = hostile_board().table(&Style::plain(), NOW, columns, 24);
        for line in &lines {
            assert!(!raw(line), "{line:?}");
        }
        assert!(lines.iter().any(|l| l.contains("\\u{1b}")), "{lines:#?}");
    }
    let summary = hostile_board().summary();
    assert!(!raw(&summary), "{summary:?}");
    assert_eq!(summary.lines().count(), 2, "{summary}");
}

fn event() -> Event {
    let mut event = Event::new(
        Kind::NotFound,
        Some("0018B9000011"),
        "127.0.0.11:4000",
        true,
    )
    .file(HOSTILE)
    .why(format!("it asks for {HOSTILE}"));
    event.time_ms = NOW;
    event
}

/// What `show` writes in `mode` for `messages`.
fn shown(mode: Mode, colour: bool, messages: Vec<Message>) -> (String, Board) {
    let (tx, rx) = mpsc::channel();
    for message in messages {
        tx.send(message).unwrap();
    }
    drop(tx);
    let style = if colour {
        Style::coloured()
    } else {
        Style::plain()
    };
    let format = if mode == Mode::Json {
        Format::Json
    } else {
        Format::Text
    };
    let mut bytes = Vec::new();
    let board = show(
        rx,
        mode,
        vec!["0018B9000012".into()],
        Out::for_format(&mut bytes, format, style),
        || (80, 24),
    );
    (String::from_utf8(bytes).unwrap(), board)
}

#[test]
fn no_raw_control_from_a_client_reaches_the_output_in_any_mode() {
    let messages = || {
        vec![
            Message::Event(event()),
            Message::Row(hostile_board().rows["0018B9000011"].clone()),
        ]
    };
    let (lines, _) = shown(Mode::Lines, false, messages());
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(!raw(&lines), "{lines:?}");
    assert!(
        lines.contains("x\\u{1b}[2J\\u{1b}]0;owned\\u{7}"),
        "{lines}"
    );

    let (json, _) = shown(Mode::Json, false, messages());
    assert!(!raw(&json), "{json:?}");
    let value: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(value["file"], HOSTILE, "JSON keeps the exact name");

    // Only phoneup's own sequences: clear below, colour; nothing the client sent.
    let own = regex::Regex::new(r"\x1b\[(J|[0-9;]*m|[0-9]+A)").unwrap();
    for colour in [false, true] {
        let (table, board) = shown(Mode::Table, colour, messages());
        let rest = own.replace_all(&table, "");
        assert!(!raw(&rest), "{rest:?}");
        assert!(table.contains("\x1b[J"), "{table:?}");
        assert_eq!(colour, table.contains("\x1b[1;31m"), "{table:?}");
        assert!(
            rest.contains("0018B9000012  "),
            "the expected phone: {rest}"
        );
        assert_eq!(board.expected, ["0018B9000012"]);
    }
}

#[test]
fn every_redraw_starts_where_the_last_began_and_clears_below() {
    let (tx, rx) = mpsc::channel();
    let row = row("0018B9000011", State::Waiting);
    tx.send(Message::Row(row.clone())).unwrap();
    let sender = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(600));
        tx.send(Message::Row(Row {
            state: State::Done,
            ..row
        }))
        .unwrap();
    });
    let mut bytes = Vec::new();
    show(
        rx,
        Mode::Table,
        Vec::new(),
        Out::text(&mut bytes, Style::plain()),
        || (80, 24),
    );
    sender.join().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let frames: Vec<&str> = text.split("\x1b[J").collect();
    assert!(frames.len() >= 3, "{text:?}");
    // Every frame after the first moves up exactly the lines the one before drew.
    for pair in frames.windows(2).skip(1) {
        let drawn = pair[0].matches('\n').count();
        assert!(pair[0].ends_with(&format!("\x1b[{drawn}A")), "{pair:?}");
    }
    assert!(frames.last().unwrap().contains("done: unplug"), "{text:?}");
}

#[test]
fn the_summary_names_phones_never_seen_and_the_exit_says_whether_all_are_done() {
    let board = bench();
    let summary = board.summary();
    assert!(
        summary.starts_with("phoneup serve stopped: 1 of 8 phones done; 1 failed, 1 stuck, 4 not finished, 1 not seen\n"),
        "{summary}"
    );
    assert!(
        summary.contains("  0018B9000018  not seen      it never asked"),
        "{summary}"
    );
    assert!(!board.all_done());
    let mut done = Board::default();
    assert!(done.all_done(), "nothing expected, nothing seen");
    done.expected.push("0018B9000015".into());
    assert!(!done.all_done(), "expected and never seen");
    done.rows
        .insert("0018B9000015".into(), row("0018B9000015", State::Done));
    assert!(done.all_done());
    assert!(
        done.summary()
            .starts_with("phoneup serve stopped: 1 of 1 phone done\n"),
        "{}",
        done.summary()
    );
}
