//! Command-line parsing, by hand: four commands do not need a dependency.

pub const USAGE: &str = "\
usage:
  sahara-sim run --scenario <preset | path.toml> [--seed N] [--duration 10m]
                 [--set path=value ...] [--json | --csv]
  sahara-sim sweep --scenario <preset | path.toml> [--seeds 20] [--duration 10m]
                 [--set path=value ...] [--vary path=v1,v2,... ...]
                 [--fields goodput_rps,latency_ms.p99] [--json]
                 every combination of the --vary values, each run with seeds
                 1..=N on every core; per combination, each field's mean and
                 95 % confidence interval (CSV, or --json)
  sahara-sim list                 the built-in presets
  sahara-sim show <preset>        a preset's TOML

durations: 500ms, 90s, 10m, 2h, 1d (a bare number is seconds)
--set takes the scenario's dotted paths, e.g.
  --set network.client_to_lb.response_loss=0.1 --set services.cart.instances=5
";

pub enum Command {
    Help,
    List,
    Show(String),
    Run(RunArgs),
    Sweep(SweepArgs),
}

pub struct SweepArgs {
    pub scenario: String,
    pub seeds: u64,
    pub duration_s: Option<f64>,
    pub sets: Vec<(String, String)>,
    /// Each setting varied and its values, in the order given.
    pub vary: Vec<(String, Vec<String>)>,
    /// Dotted paths into the run's summary (as `run --json` prints it).
    pub fields: Vec<String>,
    pub json: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
}

pub struct RunArgs {
    pub scenario: String,
    pub seed: Option<String>,
    pub duration_s: Option<f64>,
    pub sets: Vec<(String, String)>,
    pub format: Format,
}

pub fn parse(argv: &[String]) -> Result<Command, String> {
    let usage = |msg: &str| format!("{msg}\n\n{USAGE}");
    match argv.first().map(String::as_str) {
        None | Some("help" | "--help" | "-h") => Ok(Command::Help),
        Some("list") => Ok(Command::List),
        Some("show") => match argv.get(1) {
            Some(name) if argv.len() == 2 => Ok(Command::Show(name.clone())),
            _ => Err(usage("show takes one preset name")),
        },
        Some("run") => parse_run(&argv[1..]).map_err(|e| usage(&e)),
        Some("sweep") => parse_sweep(&argv[1..]).map_err(|e| usage(&e)),
        Some(other) => Err(usage(&format!("unknown command \"{other}\""))),
    }
}

fn parse_run(argv: &[String]) -> Result<Command, String> {
    let mut run = RunArgs {
        scenario: String::new(),
        seed: None,
        duration_s: None,
        sets: Vec::new(),
        format: Format::Text,
    };
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--scenario" => run.scenario = value()?,
            "--seed" => run.seed = Some(value()?),
            "--duration" => run.duration_s = Some(parse_duration(&value()?)?),
            "--set" => run.sets.push(path_value("--set", &value()?)?),
            "--json" | "--csv" if run.format != Format::Text => {
                return Err("choose one of --json and --csv".into())
            }
            "--json" => run.format = Format::Json,
            "--csv" => run.format = Format::Csv,
            other => return Err(format!("unknown option \"{other}\"")),
        }
    }
    if run.scenario.is_empty() {
        return Err("run needs --scenario".into());
    }
    Ok(Command::Run(run))
}

/// `path=value`, for `--set` and `--vary`.
fn path_value(flag: &str, v: &str) -> Result<(String, String), String> {
    let (path, val) = v
        .split_once('=')
        .ok_or_else(|| format!("{flag} {v}: expected path=value"))?;
    Ok((path.trim().to_string(), val.to_string()))
}

fn parse_sweep(argv: &[String]) -> Result<Command, String> {
    let mut sweep = SweepArgs {
        scenario: String::new(),
        seeds: 20,
        duration_s: None,
        sets: Vec::new(),
        vary: Vec::new(),
        fields: vec!["goodput_rps".into(), "latency_ms.p99".into()],
        json: false,
    };
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--scenario" => sweep.scenario = value()?,
            "--seeds" => {
                let v = value()?;
                sweep.seeds = v
                    .parse()
                    .ok()
                    .filter(|n| (2..=10_000).contains(n))
                    .ok_or_else(|| {
                        format!("--seeds {v}: expected a whole number from 2 to 10000")
                    })?;
            }
            "--duration" => sweep.duration_s = Some(parse_duration(&value()?)?),
            "--set" => sweep.sets.push(path_value("--set", &value()?)?),
            "--vary" => {
                let (path, values) = path_value("--vary", &value()?)?;
                let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).collect();
                if values.iter().any(String::is_empty) {
                    return Err(format!(
                        "--vary {path}: expected values separated by commas"
                    ));
                }
                sweep.vary.push((path, values));
            }
            "--fields" => {
                sweep.fields = value()?.split(',').map(|f| f.trim().to_string()).collect();
                if sweep.fields.iter().any(String::is_empty) {
                    return Err("--fields: expected field names separated by commas".into());
                }
            }
            "--json" => sweep.json = true,
            other => return Err(format!("unknown option \"{other}\"")),
        }
    }
    if sweep.scenario.is_empty() {
        return Err("sweep needs --scenario".into());
    }
    Ok(Command::Sweep(sweep))
}

/// `500ms`, `90s`, `10m`, `2h`, `1d` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("--duration {text}: expected e.g. 90s, 10m or 2h"))?;
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        _ => return Err(format!("--duration {text}: unknown unit \"{unit}\"")),
    };
    Ok(n * scale)
}
