//! The `sahara-sim` binary, run as a lecturer would.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sahara-sim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn json_has_the_documented_fields() {
    let o = run(&[
        "run",
        "--scenario",
        "baseline",
        "--duration",
        "30s",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    for key in [
        "scenario",
        "seed",
        "duration_s",
        "requests",
        "outcomes",
        "latency_ms",
        "throughput_rps",
        "utilisation",
        "events_processed",
        "wall_ms",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    for key in [
        "success",
        "dropped_request",
        "dropped_response",
        "rejected",
        "timeout",
        "no_healthy_target",
        "crashed",
    ] {
        assert!(v["outcomes"][key].is_u64(), "outcomes.{key}");
    }
    for key in ["p50", "p95", "p99", "mean"] {
        assert!(v["latency_ms"][key].is_f64(), "latency_ms.{key}");
    }
    for key in ["browse", "cart", "checkout", "database"] {
        assert!(v["utilisation"][key].is_f64(), "utilisation.{key}");
    }
    assert_eq!(v["scenario"], "baseline");
    assert_eq!(v["duration_s"], 30.0);
    assert!(v["requests"].as_u64().unwrap() > 8000);
}

#[test]
fn seed_and_set_change_the_run_and_the_same_seed_repeats_it() {
    let digest = |args: &[&str]| {
        let mut all = vec![
            "run",
            "--scenario",
            "lost-response",
            "--duration",
            "20s",
            "--json",
        ];
        all.extend_from_slice(args);
        let o = run(&all);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        (v["digest"].as_str().unwrap().to_string(), v)
    };
    let (a, _) = digest(&["--seed", "5"]);
    let (b, _) = digest(&["--seed", "5"]);
    let (c, _) = digest(&["--seed", "6"]);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let (_, v) = digest(&["--set", "network.client_to_lb.response_loss=0"]);
    assert_eq!(v["outcomes"]["dropped_response"], 0);
}

#[test]
fn csv_has_a_header_and_a_row_per_second() {
    let o = run(&["run", "--scenario", "mm1", "--duration", "12s", "--csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("t_s,offered_rps,"), "{}", lines[0]);
    assert!(lines[0].contains("util_server") && lines[0].contains("no_healthy_target"));
    assert_eq!(lines.len(), 1 + 12);
    let width = lines[0].split(',').count();
    assert!(lines.iter().all(|l| l.split(',').count() == width));
    assert!(lines[12].starts_with("12,"));
}

#[test]
fn list_and_show() {
    let o = run(&["list"]);
    assert!(o.status.success());
    let text = stdout(&o);
    for name in [
        "baseline",
        "mm1",
        "mm4",
        "lost-request",
        "flash-sale",
        "spread-risk",
    ] {
        assert!(text.contains(name), "{name}");
    }
    let o = run(&["show", "mm4"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("name = \"mm4\""));
    assert!(!stdout(&o).contains("time compressed"));
    // A preset that compresses time says so, above a still valid file.
    let o = run(&["show", "scale-out-database"]);
    let text = stdout(&o);
    assert!(
        text.starts_with("# time compressed: browse: 20 s boots"),
        "{text}"
    );
    assert!(sahara_sim::Scenario::from_toml(&text).is_ok());
}

#[test]
fn scenario_files_work_too() {
    let dir = std::env::temp_dir().join(format!("sahara-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.toml");
    let text = sahara_sim::presets::toml("mm1")
        .unwrap()
        .replace("name = \"mm1\"", "name = \"mine\"");
    std::fs::write(&path, text).unwrap();
    let o = run(&[
        "run",
        "--scenario",
        path.to_str().unwrap(),
        "--duration",
        "5s",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"scenario\": \"mine\""));
    std::fs::write(&path, "name = \"broken\"\nduration_s = [").unwrap();
    let o = run(&["run", "--scenario", path.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot read the scenario"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn errors_are_clear_and_exit_non_zero() {
    for (args, expected) in [
        (
            vec!["run", "--scenario", "atlantis"],
            "unknown preset \"atlantis\"",
        ),
        (vec!["run"], "run needs --scenario"),
        (
            vec!["run", "--scenario", "baseline", "--set", "nowhere.x=1"],
            "no such setting: nowhere.x",
        ),
        (
            vec!["run", "--scenario", "baseline", "--set", "traffic.rate_rps"],
            "expected path=value",
        ),
        (
            vec![
                "run",
                "--scenario",
                "baseline",
                "--set",
                "network.client_to_lb.request_loss=2",
            ],
            "network.client_to_lb.request_loss: must be between 0 and 1",
        ),
        (
            vec!["run", "--scenario", "baseline", "--duration", "5 weeks"],
            "--duration",
        ),
        (
            vec!["run", "--scenario", "baseline", "--json", "--csv"],
            "choose one",
        ),
        (vec!["show", "atlantis"], "unknown preset"),
        (vec!["fly"], "unknown command"),
    ] {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    // `sahara-sim run --csv … | head -1`: the reader closes the pipe after
    // one line; the CLI must stop without an error message or a backtrace.
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sahara-sim"))
        .args([
            "run",
            "--scenario",
            "baseline",
            "--duration",
            "30m",
            "--csv",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("t_s,"), "{first}");
    // The pipe's read end is closed here; 30 minutes of rows (over 100 KB)
    // cannot fit in its buffer, so the CLI meets the closed pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(out.status.success(), "{:?}", out.status);
}

/// `sweep` over 20 seeds of M/M/1 at ρ = 0.5 (the `mm1` preset: λ = 500/s,
/// exponential service of mean 1 ms, one worker): the 95 % intervals of
/// the mean queue wait, P(wait) and the number in the system cover the
/// theory, Wq = ρ/(μ − λ) = 1 ms, P(wait) = ρ = 0.5, L = ρ/(1 − ρ) = 1
/// (Kleinrock, Queueing Systems I, ch. 3); and the same command gives the
/// same numbers again.
#[test]
fn sweep_intervals_cover_m_m_1_and_rerun_the_same() {
    let args = [
        "sweep",
        "--scenario",
        "mm1",
        "--seeds",
        "20",
        "--fields",
        "mean_queue_wait_ms,p_wait,mean_in_system",
        "--json",
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let (lambda, mu) = (500.0, 1000.0);
    let rho: f64 = lambda / mu;
    for (field, theory) in [
        ("mean_queue_wait_ms", 1000.0 * rho / (mu - lambda)),
        ("p_wait", rho),
        ("mean_in_system", rho / (1.0 - rho)),
    ] {
        let e = &v[0]["fields"][field];
        let (mean, ci) = (e["mean"].as_f64().unwrap(), e["ci95"].as_f64().unwrap());
        assert!(
            ci > 0.0 && ci < 0.01 * theory,
            "{field}: ±{ci} is no interval"
        );
        assert!(
            (mean - theory).abs() <= ci,
            "{field}: {mean} ± {ci}, theory {theory}"
        );
    }
    assert_eq!(stdout(&run(&args)), stdout(&o), "the same numbers on rerun");
}

/// A grid of settings: one row per combination, in the order given, with
/// the varied settings' values first; unusable input is an error naming it.
#[test]
fn sweep_varies_settings_and_explains_bad_input() {
    let o = run(&[
        "sweep",
        "--scenario",
        "baseline",
        "--seeds",
        "3",
        "--duration",
        "20s",
        "--vary",
        "services.browse.instances=1,3",
        "--vary",
        "client.max_attempts=1,2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(
        lines[0],
        "services.browse.instances,client.max_attempts,seeds,goodput_rps_mean,goodput_rps_ci95,latency_ms.p99_mean,latency_ms.p99_ci95"
    );
    let keys: Vec<&str> = lines[1..]
        .iter()
        .map(|l| &l[..l.match_indices(',').nth(1).unwrap().0])
        .collect();
    assert_eq!(keys, ["1,1", "1,2", "3,1", "3,2"]);
    for (bad, says) in [
        (vec!["--seeds", "1"], "--seeds 1"),
        (
            vec!["--vary", "client.max_attempts=1,,2"],
            "--vary client.max_attempts",
        ),
        (
            vec!["--vary", "client.max_attempts=0"],
            "--vary client.max_attempts=0",
        ),
        (vec!["--fields", "no.such"], "--fields no.such"),
    ] {
        let mut args = vec!["sweep", "--scenario", "baseline", "--duration", "5s"];
        args.extend(bad);
        let o = run(&args);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
    }
}

/// `sweep` of spreading the risk (`tour-spread-risk`: each instance down a
/// share p = MTTR / (MTBF + MTTR) of the time, independently): over 20
/// seeds, the interval of the share of seconds with an instance up covers
/// the lecture's 1 − pⁿ for n = 1, 2, 3.
#[test]
fn sweep_intervals_cover_one_minus_p_to_the_n() {
    let o = run(&[
        "sweep",
        "--scenario",
        "tour-spread-risk",
        "--seeds",
        "20",
        "--vary",
        "services.browse.instances=1,2,3",
        "--fields",
        "availability.browse",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let s = sahara_sim::presets::get("tour-spread-risk").unwrap();
    let browse = &s.services[0];
    let p = browse.mttr_s / (browse.mtbf_s + browse.mttr_s);
    for (i, n) in [1, 2, 3].into_iter().enumerate() {
        let e = &v[i]["fields"]["availability.browse"];
        let (mean, ci) = (e["mean"].as_f64().unwrap(), e["ci95"].as_f64().unwrap());
        let theory = 1.0 - p.powi(n);
        assert!(
            (mean - theory).abs() <= ci,
            "n = {n}: {mean} ± {ci}, 1 − pⁿ = {theory}"
        );
    }
}
