//! CPU time and resident memory of a process, read from Linux's `/proc`.

use std::time::Instant;

/// Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`): 100 on every Linux
/// this runs on.
const TICKS_PER_SECOND: f64 = 100.0;

/// One reading of a process.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub at: Instant,
    /// User plus system CPU time, in clock ticks.
    cpu_ticks: u64,
    pub rss_bytes: u64,
}

impl Sample {
    /// Reads `pid` (`None`: this process); `None` if it cannot (no such process, not Linux).
    pub fn read(pid: Option<u32>) -> Option<Sample> {
        let dir = match pid {
            Some(pid) => format!("/proc/{pid}"),
            None => "/proc/self".to_owned(),
        };
        let stat = std::fs::read_to_string(format!("{dir}/stat")).ok()?;
        // The command name may hold spaces; the fields after it are fixed.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        let status = std::fs::read_to_string(format!("{dir}/status")).ok()?;
        let rss_kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(Sample {
            at: Instant::now(),
            cpu_ticks: utime + stime,
            rss_bytes: rss_kib * 1024,
        })
    }

    /// CPU used between `earlier` and this sample, in percent of one core.
    pub fn cpu_percent_since(&self, earlier: &Sample) -> f64 {
        let wall = self.at.duration_since(earlier.at).as_secs_f64();
        if wall <= 0.0 {
            return 0.0;
        }
        let cpu = self.cpu_ticks.saturating_sub(earlier.cpu_ticks) as f64 / TICKS_PER_SECOND;
        100.0 * cpu / wall
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let sample = Sample::read(None).expect("/proc/self on Linux");
        assert!(sample.rss_bytes > 1024 * 1024);
        assert!(Sample::read(Some(u32::MAX)).is_none());
    }
}
