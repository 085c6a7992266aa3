//! Fixed CPUs for the timed request rounds: the servers on one, every driver on another.
//!
//! Left to the scheduler, a client and its loopback server sometimes share a core and
//! sometimes do not, and which one a run gets changes from run to run. The client CPU of one
//! request differs threefold between the two: measured here, the same rboto PutObject against
//! the local server took 17 µs with both on one core and 50–57 µs on two (each exchange then
//! wakes the other core and moves cache lines across). The bare client's floor, which the
//! scheduler tended to keep beside its server, mostly got the cheap case and the async
//! drivers the dear one. Sharing one core is no cure: a server doing real work (moto spends
//! about a millisecond of Python per request) evicts the client's caches between requests,
//! which took rboto's DynamoDB GetItem from about 50 to 103 µs. Servers on one core and
//! clients on the other is how a client meets a remote server, and it is the same for every
//! driver and for the floor.

use std::fs;

/// Every thread of some server processes held on one CPU, and the calling thread (so every
/// process it starts from now on) on another, until dropped; each then gets back the set it
/// had before. With a single CPU allowed, both are that one.
pub struct Apart {
    client_cpu: usize,
    server_cpu: usize,
    restore: Vec<(u32, libc::cpu_set_t)>,
}

impl Apart {
    /// Pins each thread of `servers` to the last CPU this thread may run on, and this thread
    /// to the first.
    pub fn pin(servers: &[u32]) -> Result<Self, String> {
        let own = get(0)?;
        let allowed = cpus(&own);
        let (Some(&client_cpu), Some(&server_cpu)) = (allowed.first(), allowed.last()) else {
            return Err("this thread may run on no CPU".into());
        };
        let mut pinned = Apart {
            client_cpu,
            server_cpu,
            restore: vec![(0, own)],
        };
        for &pid in servers {
            pinned.restore.push((pid, get(pid as libc::pid_t)?));
            for tid in threads(pid)? {
                set(tid, &only(server_cpu))?;
            }
        }
        set(0, &only(client_cpu))?;
        Ok(pinned)
    }

    /// The CPU of the drivers.
    pub fn client_cpu(&self) -> usize {
        self.client_cpu
    }

    /// The CPU of the servers.
    pub fn server_cpu(&self) -> usize {
        self.server_cpu
    }
}

impl Drop for Apart {
    fn drop(&mut self) {
        for (pid, before) in &self.restore {
            let tids = if *pid == 0 {
                vec![0]
            } else {
                threads(*pid).unwrap_or_default()
            };
            for tid in tids {
                // A process that has exited since has nothing left to restore.
                let _ = set(tid, before);
            }
        }
    }
}

/// The CPUs in a set, in order.
fn cpus(set: &libc::cpu_set_t) -> Vec<usize> {
    (0..libc::CPU_SETSIZE as usize)
        // SAFETY: `c` is below CPU_SETSIZE, the size of the set.
        .filter(|&c| unsafe { libc::CPU_ISSET(c, set) })
        .collect()
}

fn only(cpu: usize) -> libc::cpu_set_t {
    let mut set = empty();
    // SAFETY: `cpu` came from a set of CPU_SETSIZE bits, so it is below CPU_SETSIZE.
    unsafe { libc::CPU_SET(cpu, &mut set) };
    set
}

/// The thread ids of a process (its threads started since keep the set of the thread that
/// started them, so a process's threads are pinned by pinning the ones it has).
fn threads(pid: u32) -> Result<Vec<libc::pid_t>, String> {
    let dir = format!("/proc/{pid}/task");
    let entries = fs::read_dir(&dir).map_err(|e| format!("{dir}: {e}"))?;
    Ok(entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect())
}

fn empty() -> libc::cpu_set_t {
    // SAFETY: cpu_set_t is a plain bit array, for which all zeroes is the empty set.
    unsafe { std::mem::zeroed() }
}

fn get(tid: libc::pid_t) -> Result<libc::cpu_set_t, String> {
    let mut set = empty();
    // SAFETY: the kernel writes at most size_of::<cpu_set_t>() bytes into `set`.
    let rc =
        unsafe { libc::sched_getaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    checked(rc, "sched_getaffinity", tid).map(|()| set)
}

fn set(tid: libc::pid_t, cpus: &libc::cpu_set_t) -> Result<(), String> {
    // SAFETY: the kernel reads size_of::<cpu_set_t>() bytes from `cpus`.
    let rc = unsafe { libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), cpus) };
    checked(rc, "sched_setaffinity", tid)
}

fn checked(rc: libc::c_int, call: &str, tid: libc::pid_t) -> Result<(), String> {
    if rc == 0 {
        Ok(())
    } else {
        Err(format!(
            "{call}({tid}): {}",
            std::io::Error::last_os_error()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    fn allowed(tid: libc::pid_t) -> Vec<usize> {
        cpus(&get(tid).unwrap())
    }

    #[test]
    fn pins_servers_and_what_this_thread_starts_apart_then_gives_their_cpus_back() {
        let before = allowed(0);
        let mut server = Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let pid = server.id();
        {
            let apart = Apart::pin(&[pid]).unwrap();
            assert_eq!(allowed(pid as libc::pid_t), [apart.server_cpu()]);
            assert_eq!(allowed(0), [apart.client_cpu()]);
            if before.len() > 1 {
                assert_ne!(apart.client_cpu(), apart.server_cpu());
            }
            // What this thread starts now inherits the client's CPU.
            let out = Command::new("cat")
                .arg("/proc/self/status")
                .output()
                .unwrap();
            let status = String::from_utf8(out.stdout).unwrap();
            let line = status
                .lines()
                .find(|l| l.starts_with("Cpus_allowed_list:"))
                .unwrap();
            let client = apart.client_cpu().to_string();
            assert_eq!(line.split_whitespace().nth(1), Some(client.as_str()));
        }
        assert_eq!(allowed(0), before);
        assert_eq!(allowed(pid as libc::pid_t), before);
        server.kill().unwrap();
        server.wait().unwrap();
    }
}
