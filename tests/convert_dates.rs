//! Dates and times: the nasty cases (daylight-saving gaps and overlaps in
//! Europe and America, leap days, leap seconds, `01/02/2026`, no zone, no
//! clock), checked exactly.

mod common;

use common::map_in;
use mapc::json::{Value as Json, json};
use mapc::{Env, Tz};

fn env() -> Env {
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-01T06:30:00Z").expect("now");
    Env::new()
        .with_now(now)
        .with_time_zone(Tz::America__New_York)
}

fn map(source: &str, record: Json) -> String {
    map_in(&env(), source, record)
}

#[test]
fn spring_forward_gap_is_an_error_or_an_explicit_choice() {
    let source = r#"
        x = parse_datetime(.t, zone: "Europe/Berlin", dst: .dst)
    "#;
    assert_eq!(
        map(source, json!({"t": "2026-03-29 02:30:00"})),
        "E318: `parse_datetime`: local time 2026-03-29 02:30:00 does not exist (the clocks go forward) in Europe/Berlin"
    );
    assert_eq!(
        map(
            source,
            json!({"t": "2026-03-29 02:30:00", "dst": "earlier"})
        ),
        r#"{"x":"2026-03-29T03:30:00+02:00"}"#
    );
    assert_eq!(
        map(source, json!({"t": "2026-03-29 02:30:00", "dst": "later"})),
        r#"{"x":"2026-03-29T01:30:00+01:00"}"#
    );
    // the minutes either side of the gap are plain
    assert_eq!(
        map(source, json!({"t": "2026-03-29 01:59:59"})),
        r#"{"x":"2026-03-29T01:59:59+01:00"}"#
    );
    assert_eq!(
        map(source, json!({"t": "2026-03-29 03:00:00"})),
        r#"{"x":"2026-03-29T03:00:00+02:00"}"#
    );
}

#[test]
fn fall_back_overlap_is_an_error_or_an_explicit_choice() {
    // the default zone (America/New_York) repeats 01:00–01:59 on 2026-11-01
    let source = r#"x = parse_datetime(.t, dst: .dst)"#;
    assert_eq!(
        map(source, json!({"t": "2026-11-01T01:30:00"})),
        "E318: `parse_datetime`: local time 2026-11-01 01:30:00 occurs twice (the clocks go back) in America/New_York"
    );
    assert_eq!(
        map(
            source,
            json!({"t": "2026-11-01T01:30:00", "dst": "earlier"})
        ),
        r#"{"x":"2026-11-01T01:30:00-04:00"}"#
    );
    assert_eq!(
        map(source, json!({"t": "2026-11-01T01:30:00", "dst": "later"})),
        r#"{"x":"2026-11-01T01:30:00-05:00"}"#
    );
    // with an offset there is nothing to choose
    assert_eq!(
        map(source, json!({"t": "2026-11-01T01:30:00-05:00"})),
        r#"{"x":"2026-11-01T01:30:00-05:00"}"#
    );
    let out = map(source, json!({"t": "2026-11-01T01:30:00", "dst": "first"}));
    assert!(out.starts_with("E308: "), "{out}");
}

#[test]
fn zone_conversion_follows_daylight_saving() {
    let source = r#"
        berlin = to_zone(.t, "Europe/Berlin")
        new_york = to_zone(.t, "America/New_York")
        sydney = to_zone(.t, "Australia/Sydney")
        kathmandu = to_zone(.t, "Asia/Kathmandu")
        utc = to_zone(.t, "UTC")
    "#;
    assert_eq!(
        map(source, json!({"t": "2026-03-29T00:59:59Z"})),
        r#"{"berlin":"2026-03-29T01:59:59+01:00","new_york":"2026-03-28T20:59:59-04:00","sydney":"2026-03-29T11:59:59+11:00","kathmandu":"2026-03-29T06:44:59+05:45","utc":"2026-03-29T00:59:59Z"}"#
    );
    assert_eq!(
        map(source, json!({"t": "2026-03-29T01:00:00Z"})),
        r#"{"berlin":"2026-03-29T03:00:00+02:00","new_york":"2026-03-28T21:00:00-04:00","sydney":"2026-03-29T12:00:00+11:00","kathmandu":"2026-03-29T06:45:00+05:45","utc":"2026-03-29T01:00:00Z"}"#
    );
    let out = map(
        r#"x = to_zone("2026-01-01T00:00:00Z", .z)"#,
        json!({"z": "CET+1"}),
    );
    assert!(out.starts_with("E317: "), "{out}");
    let out = map(r#"x = to_zone("2026-01-01T00:00:00Z", "CET+1")"#, json!({}));
    assert!(out.starts_with("E217: "), "{out}");
    let out = map(
        r#"x = to_zone("2026-01-01T00:00:00Z", "Europe/Berlln")"#,
        json!({}),
    );
    assert!(out.starts_with("E217: "), "{out}");
}

#[test]
fn leap_days_and_leap_seconds() {
    assert_eq!(
        map(
            r#"
            leap = parse_date("29.02.2024", "%d.%m.%Y")
            next_year = add_duration("2024-02-29", "P1Y")
            month_end = add_duration("2024-01-31T10:00:00Z", "P1M", "UTC")
            days = days_between("2024-02-01", "2024-03-01")
            leap_second = parse_datetime("2016-12-31T23:59:60Z")
            leap_second_local = parse_datetime("2016-12-31 23:59:60", zone: "UTC")
            leap_unix = to_unix("2016-12-31T23:59:60Z", "s")
            "#,
            json!({})
        ),
        r#"{"leap":"2024-02-29","next_year":"2025-02-28","month_end":"2024-02-29T10:00:00Z","days":29,"leap_second":"2017-01-01T00:00:00Z","leap_second_local":"2017-01-01T00:00:00Z","leap_unix":1483228800}"#
    );
    let out = map(r#"x = parse_date("29.02.2025", "%d.%m.%Y")"#, json!({}));
    assert_eq!(
        out,
        r#"E314: `parse_date`: "29.02.2025" is not a real date: it has the form of `%d.%m.%Y`, but no such day or time exists (formats tried: %d.%m.%Y)"#
    );
}

#[test]
fn slashed_dates_are_never_guessed() {
    let out = map(r#"x = parse_date(.d)"#, json!({"d": "01/02/2026"}));
    assert_eq!(
        out,
        r#"E314: `parse_date`: "01/02/2026" does not match any format tried: iso8601"#
    );
    let source = r#"
        day_first = parse_date(.d, "%d/%m/%Y")
        month_first = parse_date(.d, "%m/%d/%Y")
        in_order = parse_date(.d, ["%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y"])
    "#;
    assert_eq!(
        map(source, json!({"d": "01/02/2026"})),
        r#"{"day_first":"2026-02-01","month_first":"2026-01-02","in_order":"2026-01-02"}"#
    );
    // 13/02/2026 has only one reading, so the list falls through to it;
    // read month first, it has no month 13
    assert_eq!(
        map(source, json!({"d": "13/02/2026"})),
        "E314: `parse_date`: \"13/02/2026\" is not a real date: it has the form of `%m/%d/%Y`, but no such day or time exists (formats tried: %m/%d/%Y)"
    );
    let out = map(
        r#"x = parse_date(.d, .f)"#,
        json!({"d": "1", "f": "%d/%m/%Y %"}),
    );
    assert!(out.starts_with("E308: "), "{out}");
    let out = map(r#"x = parse_date(.d, "%d/%m/%Y %")"#, json!({"d": "1"}));
    assert!(out.starts_with("E217: "), "{out}");
}

#[test]
fn offsets_fractions_and_rfc2822() {
    let source = r#"x = parse_datetime(.t)"#;
    let cases = [
        ("2026-06-01T12:00:00Z", "2026-06-01T12:00:00Z"),
        ("2026-06-01t12:00:00z", "2026-06-01T12:00:00Z"),
        (
            "2026-06-01T12:00:00.123456789+05:30",
            "2026-06-01T12:00:00.123456789+05:30",
        ),
        ("2026-06-01 12:00:00-00:00", "2026-06-01T12:00:00Z"),
        ("2026-06-01T12:00", "2026-06-01T12:00:00-04:00"),
        ("2026-06-01", "2026-06-01T00:00:00-04:00"),
        ("Mon, 01 Jun 2026 12:00:00 GMT", "2026-06-01T12:00:00Z"),
    ];
    for (text, expected) in cases {
        assert_eq!(
            map(source, json!({ "t": text })),
            format!(r#"{{"x":"{expected}"}}"#),
            "{text}"
        );
    }
    for bad in [
        "2026-13-01",
        "2026-06-01T25:00:00Z",
        "yesterday",
        "2026-06-01T12:00:00+25:00",
    ] {
        let out = map(source, json!({ "t": bad }));
        assert!(out.starts_with("E314: "), "{bad}: {out}");
        assert!(out.contains("iso8601, rfc2822"), "names the formats: {out}");
    }
}

#[test]
fn no_zone_and_no_clock_are_errors_not_the_machine_s() {
    let bare = Env::new();
    let out = map_in(
        &bare,
        r#"x = parse_datetime("2026-06-01 12:00")"#,
        json!({}),
    );
    assert!(out.starts_with("E319: "), "{out}");
    let out = map_in(&bare, r#"x = now()"#, json!({}));
    assert!(out.starts_with("E319: "), "{out}");
    // a value with an offset needs no zone
    assert_eq!(
        map_in(
            &bare,
            r#"x = parse_datetime("2026-06-01T12:00:00+02:00")"#,
            json!({})
        ),
        r#"{"x":"2026-06-01T12:00:00+02:00"}"#
    );
    assert_eq!(
        map(
            r#"now = now()
               today = today()
               tokyo = today("Asia/Tokyo")"#,
            json!({})
        ),
        r#"{"now":"2026-11-01T06:30:00Z","today":"2026-11-01","tokyo":"2026-11-01"}"#
    );
}

#[test]
fn unix_time_always_states_its_unit() {
    let source = r#"
        s = from_unix(.t, "s")
        ms = from_unix(.t, "ms")
        us = from_unix(.t, "us")
        back_ms = to_unix(from_unix(.t, "ms"), "ms")
    "#;
    // read in seconds, those milliseconds fall in year 58209, which RFC
    // 3339 cannot write (chrono would give "+58209-05-28T20:02:03Z")
    assert_eq!(
        map(source, json!({"t": 1_774_744_200_123_i64})),
        "E340: `from_unix`: the result falls in year 58209; RFC 3339 writes only years 0000 to 9999"
    );
    assert_eq!(
        map(
            &source.replace(r#"s = from_unix(.t, "s")"#, ""),
            json!({"t": 1_774_744_200_123_i64})
        ),
        r#"{"ms":"2026-03-29T00:30:00.123Z","us":"1970-01-21T12:59:04.200123Z","back_ms":1774744200123}"#
    );
    assert_eq!(
        map(source, json!({"t": "0"})),
        r#"{"s":"1970-01-01T00:00:00Z","ms":"1970-01-01T00:00:00Z","us":"1970-01-01T00:00:00Z","back_ms":0}"#
    );
    // a unit read from the record fails that record; a constant one fails check
    let out = map(r#"x = from_unix(1, .u)"#, json!({"u": "minutes"}));
    assert!(out.starts_with("E308: "), "{out}");
    let out = map(r#"x = from_unix(1, "minutes")"#, json!({}));
    assert!(out.starts_with("E217: "), "{out}");
    let out = map(r#"x = from_unix(1e20, "s")"#, json!({}));
    assert!(out.starts_with("E308: "), "{out}");
    let out = map(r#"x = from_unix("1.5e3", "s")"#, json!({}));
    assert!(out.starts_with("E314: "), "{out}");
    let out = map(r#"x = from_unix(0.0000000001, "s")"#, json!({}));
    assert!(out.starts_with("E316: "), "{out}");
}

#[test]
fn arithmetic_across_daylight_saving() {
    let source = r#"
        calendar_day = add_duration(.t, "P1D", "Europe/Berlin")
        exact_day = add_duration(.t, "PT24H", "Europe/Berlin")
        back = add_duration(.t, "-P1W", "Europe/Berlin")
        day_start = truncate_datetime("2026-03-29T20:00:00Z", "day", "Europe/Berlin")
        hours_that_day = diff_datetime(
            truncate_datetime("2026-03-29T12:00:00Z", "day", "Europe/Berlin"),
            truncate_datetime("2026-03-30T12:00:00Z", "day", "Europe/Berlin"),
            "hours")
        fall_hours = diff_datetime("2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", "hours")
        repeated_hour = truncate_datetime("2026-10-25T01:30:00Z", "hour", "Europe/Berlin")
        santiago_midnight = truncate_datetime("2026-09-06T12:00:00Z", "day", "America/Santiago")
    "#;
    assert_eq!(
        map(source, json!({"t": "2026-03-28T09:15:00+01:00"})),
        r#"{"calendar_day":"2026-03-29T09:15:00+02:00","exact_day":"2026-03-29T10:15:00+02:00","back":"2026-03-21T09:15:00+01:00","day_start":"2026-03-29T00:00:00+01:00","hours_that_day":23,"fall_hours":25,"repeated_hour":"2026-10-25T02:00:00+01:00","santiago_midnight":"2026-09-06T01:00:00-03:00"}"#
    );
}

#[test]
fn formats_name_their_precision() {
    let source = r#"
        auto = format_datetime(.t, "rfc3339")
        seconds = format_datetime(.t, "rfc3339_seconds")
        millis = format_datetime(.t, "rfc3339_millis")
        nanos = format_datetime(.t, "rfc3339_nanos")
        date = format_datetime(.t, "date", "Pacific/Auckland")
        unix_s = format_datetime(.t, "unix_s")
        rfc2822 = format_datetime(.t, "rfc2822", "Europe/London")
        us = format_datetime(.t, "%m/%d/%Y %I:%M %p", "America/Chicago")
    "#;
    assert_eq!(
        map(source, json!({"t": "2026-07-04T18:05:09.98765Z"})),
        r#"{"auto":"2026-07-04T18:05:09.987650Z","seconds":"2026-07-04T18:05:09Z","millis":"2026-07-04T18:05:09.987Z","nanos":"2026-07-04T18:05:09.987650000Z","date":"2026-07-05","unix_s":"1783188309","rfc2822":"Sat, 4 Jul 2026 19:05:09 +0100","us":"07/04/2026 01:05 PM"}"#
    );
    // patterns with and without an offset, a zone name or a timestamp
    let source = r#"
        plain = format_datetime(.t, "%Y-%m-%d %H:%M:%S", "Asia/Kolkata")
        offset = format_datetime(.t, "%H:%M %z %:z", "Asia/Kolkata")
        zone = format_datetime(.t, "%H:%M %Z", "Europe/London")
        timestamp = format_datetime(.t, "%s", "Asia/Kolkata")
        rfc = format_datetime(.t, "%+", "Asia/Kolkata")
    "#;
    assert_eq!(
        map(source, json!({"t": "2026-07-04T18:05:09Z"})),
        r#"{"plain":"2026-07-04 23:35:09","offset":"23:35 +0530 +05:30","zone":"19:05 BST","timestamp":"1783188309","rfc":"2026-07-04T23:35:09+05:30"}"#
    );
    let out = map(r#"x = format_datetime("2026-07-04", "%H:%M")"#, json!({}));
    assert!(out.starts_with("E308: "), "{out}");
    let out = map(
        r#"x = format_datetime("2026-07-04 10:00", "date")"#,
        json!({}),
    );
    assert!(out.starts_with("E314: "), "{out}");
}
