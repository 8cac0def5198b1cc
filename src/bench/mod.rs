//! Benchmarks run by `khabar bench …`, as library functions so tests and other front ends can
//! call them: [`corpus`] measures every stage of opening a folder (raw read, decoding, analysis,
//! index build, cached reopen) in one run; [`app`] (GUI builds) the whole app opening a folder:
//! time to the first listed document and frame times while loading and analysing.

#[cfg(feature = "gui")]
pub mod app;
pub mod corpus;

/// The commit being measured: `git rev-parse --short HEAD` in the current folder, else
/// "unknown" (not a checkout, or git missing).
pub fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Number of rayon worker threads (the cores the parallel stages use).
pub fn cores() -> usize {
    rayon::current_num_threads().max(1)
}

/// CPU time (user + system, all threads) this process has used so far, in seconds, from
/// `/proc/self/stat` (Linux; `None` elsewhere). Benchmarks report it beside wall time because
/// a shared machine makes wall time depend on the other processes.
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the command name (which may contain spaces) in parentheses
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after ")" + state
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / clock_ticks())
}

/// A kB field of `/proc/self/status` ("VmRSS", "VmHWM", …) of this process (Linux; `None`
/// elsewhere).
pub fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.strip_prefix(field).is_some_and(|rest| rest.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Clock ticks per second of `/proc` times (USER_HZ, 100 on every Linux in practice).
fn clock_ticks() -> f64 {
    100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read_by_exact_name() {
        let rss = proc_status_kb("VmRSS").expect("Linux /proc");
        let peak = proc_status_kb("VmHWM").expect("Linux /proc");
        assert!(rss > 0 && peak >= rss / 2);
        assert_eq!(proc_status_kb("VmRS"), None, "a prefix of a field name is not the field");
    }

    #[test]
    fn cpu_time_grows_while_working() {
        let Some(before) = process_cpu_seconds() else { return };
        let mut x = 0u64;
        let t = std::time::Instant::now();
        while t.elapsed().as_millis() < 150 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = process_cpu_seconds().unwrap();
        assert!(after > before, "{before} {after}");
    }
}
