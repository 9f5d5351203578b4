//! `sahara-sim`: run Sahara scenarios from the command line, for plots on
//! slides and for tests.
//!
//! ```text
//! sahara-sim run --scenario <preset | path.toml> [--seed N] [--duration 10m]
//!                [--set path=value ...] [--json | --csv]
//! sahara-sim sweep --scenario <preset | path.toml> [--seeds 20] [--vary path=v1,v2 ...]
//!                  [--fields goodput_rps,latency_ms.p99] [--json]
//! sahara-sim list
//! sahara-sim show <preset>
//! ```

mod args;
mod output;
mod sweep;

use args::{Command, Format, RunArgs};
use sahara_sim::{presets, Scenario, SimTime, Simulation};
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match args::parse(&argv).and_then(execute).and_then(write_out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sahara-sim: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes the output. A reader that stops early (`| head`) closes the pipe:
/// like any Unix filter, stop quietly then.
fn write_out(text: String) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(format!("cannot write the output: {e}")),
        _ => Ok(()),
    }
}

/// The command's output, or what went wrong.
fn execute(command: Command) -> Result<String, String> {
    match command {
        Command::Help => Ok(args::USAGE.to_string()),
        Command::List => Ok(presets::names()
            .into_iter()
            .map(|name| {
                let first_line = presets::get(name)
                    .map(|s| s.description.lines().next().unwrap_or("").to_string())
                    .unwrap_or_default();
                format!("{name:<24} {first_line}\n")
            })
            .collect()),
        Command::Show(name) => presets::toml(&name)
            .zip(presets::get(&name))
            .map(|(toml, s)| compression_note(&s) + toml)
            .ok_or_else(|| unknown_preset(&name)),
        Command::Run(run) => execute_run(run),
        Command::Sweep(args) => {
            let mut sets = args.sets.clone();
            if let Some(d) = args.duration_s {
                sets.push(("duration_s".to_string(), d.to_string()));
            }
            sweep::sweep(&args, &scenario_with(&args.scenario, &sets)?)
        }
    }
}

/// The preset's compressed timings as TOML comments above it (still a
/// valid preset file).
fn compression_note(s: &Scenario) -> String {
    s.time_compression()
        .iter()
        .map(|line| format!("# time compressed: {line}\n"))
        .collect()
}

fn unknown_preset(name: &str) -> String {
    format!(
        "unknown preset \"{name}\"; the presets are: {}",
        presets::names().join(", ")
    )
}

fn load(source: &str) -> Result<Scenario, String> {
    if let Some(s) = presets::get(source) {
        return Ok(s);
    }
    let path = std::path::Path::new(source);
    if !path.exists() {
        return Err(format!(
            "{} (and there is no file {source})",
            unknown_preset(source)
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {source}: {e}"))?;
    Scenario::from_toml(&text).map_err(|e| format!("{source}: {e}"))
}

/// `--set` takes TOML values (`{ kind = "step", at_s = 10, factor = 2 }`)
/// as well as JSON; `Scenario::set` reads JSON, so TOML is converted first.
/// Anything else (JSON, a bare word like `home_to_uq`) passes unchanged.
fn toml_value_as_json(value: &str) -> String {
    toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .and_then(|v| serde_json::to_string(&v).ok())
        .unwrap_or_else(|| value.to_string())
}

/// The scenario `source` names, with `sets` made to it.
fn scenario_with(source: &str, sets: &[(String, String)]) -> Result<Scenario, String> {
    let mut scenario = load(source)?;
    for (path, value) in sets {
        scenario
            .set(path, &toml_value_as_json(value))
            .map_err(|e| format!("--set {path}={value}: {e}"))?;
    }
    Ok(scenario)
}

/// A simulation of `scenario`, or every reason it is not valid.
fn simulation(scenario: Scenario) -> Result<Simulation, String> {
    Simulation::new(scenario).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        format!("the scenario is not valid:\n{}", lines.join("\n"))
    })
}

fn execute_run(run: RunArgs) -> Result<String, String> {
    let mut sets = Vec::new();
    if let Some(seed) = &run.seed {
        sets.push(("seed".to_string(), seed.clone()));
    }
    if let Some(d) = run.duration_s {
        sets.push(("duration_s".to_string(), d.to_string()));
    }
    sets.extend(run.sets.iter().cloned());
    let mut sim = simulation(scenario_with(&run.scenario, &sets)?)?;
    let started = Instant::now();
    let mut rows = Vec::new();
    if run.format == Format::Csv {
        // Step a second at a time so every second is kept, however long the
        // run (the simulation itself keeps only the most recent hour).
        let end = sim.end().as_nanos();
        let mut t = 0;
        while t < end {
            t = (t + 1_000_000_000).min(end);
            sim.advance_to(SimTime(t));
            if let Some(s) = sim.metrics().latest().filter(|s| s.t_s * 1e9 == t as f64) {
                rows.push(s.clone());
            }
        }
    } else {
        sim.run_to_end();
    }
    let mut summary = sim.summary();
    summary.wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(match run.format {
        Format::Json => serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())? + "\n",
        Format::Csv => sahara_sim::csv::per_second(sim.scenario(), &rows),
        Format::Text => output::text(&summary),
    })
}
