//! A BlueZ stand-in for the btleplug integration tests: a private
//! `dbus-daemon` (config beside this file) started by the tests, and a zbus
//! service owning `org.bluez` on it with one adapter (`hci0`), an
//! ObjectManager at `/`, and simulated APS-1 sensors with every service of
//! the protocol. Each test adds its own sensor (unique name and address),
//! so tests can share one bus.

pub(crate) mod objects;
pub(crate) mod sensor;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use anklepump::sensor::capture::{CaptureReader, Record};
use anklepump::sensor::protocol::SensorConfig;
use zbus::zvariant::OwnedObjectPath;
use zbus::Connection;

use objects::{Adapter, Characteristic, Device, Service};
pub(crate) use sensor::SensorSpec;
use sensor::{lock, Kind, Shared, State};

const ADAPTER: &str = "/org/bluez/hci0";

/// A private dbus-daemon, killed when this is dropped or the test process
/// exits (the wrapper shell kills it when its stdin closes).
pub(crate) struct Bus {
    child: Child,
    stdin: Option<ChildStdin>,
    pub address: String,
}

impl Bus {
    pub(crate) fn start() -> Bus {
        let conf = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/bluez/dbus-daemon.conf");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("dbus-daemon --config-file=\"$0\" --nofork --print-address=1 2>/dev/null & p=$!; read _ ; kill $p")
            .arg(conf)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn sh for dbus-daemon");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read dbus-daemon address");
        let address = line.trim().to_string();
        assert!(address.starts_with("unix:"), "dbus-daemon did not start (is the `dbus` package installed?)");
        Bus { stdin: child.stdin.take(), child, address }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The stand-in: bus + `org.bluez` service on its own runtime thread.
pub(crate) struct StandIn {
    rt: Option<tokio::runtime::Runtime>,
    conn: Connection,
    pub bus: Bus,
}

/// A sensor on the stand-in, to steer and inspect from a test.
#[derive(Clone)]
pub(crate) struct SensorHandle {
    st: Shared,
    conn: Connection,
    rt: tokio::runtime::Handle,
}

impl StandIn {
    /// Starts a private bus and the stand-in (call from any thread).
    pub(crate) fn start() -> StandIn {
        std::thread::spawn(|| {
            let bus = Bus::start();
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("rt");
            let conn = rt.block_on(async {
                let conn = zbus::connection::Builder::address(bus.address.as_str())
                    .expect("address")
                    .name("org.bluez")
                    .expect("name")
                    .serve_at("/", zbus::fdo::ObjectManager)
                    .expect("object manager")
                    .serve_at(ADAPTER, Adapter { powered: true, discovering: false })
                    .expect("adapter")
                    .build()
                    .await
                    .expect("connect the stand-in to its bus");
                conn
            });
            StandIn { rt: Some(rt), conn, bus }
        })
        .join()
        .expect("stand-in start")
    }

    fn handle(&self) -> tokio::runtime::Handle {
        self.rt.as_ref().expect("runtime").handle().clone()
    }

    /// Exports a sensor (or a decoy) and returns its handle.
    pub(crate) fn add_sensor(&self, spec: SensorSpec) -> SensorHandle {
        let dev_path = format!("{ADAPTER}/dev_{}", spec.address.replace(':', "_"));
        let st: Shared = std::sync::Arc::new(std::sync::Mutex::new(State::new(spec.clone(), dev_path.clone())));
        let conn = self.conn.clone();
        let st2 = st.clone();
        let rt = self.handle();
        std::thread::scope(|s| {
            s.spawn(|| rt.block_on(export(conn, st2, spec, dev_path)));
        });
        SensorHandle { st, conn: self.conn.clone(), rt: self.handle() }
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

fn path(p: &str) -> OwnedObjectPath {
    OwnedObjectPath::try_from(p.to_string()).expect("object path")
}

/// A characteristic: its kind, UUID and flags.
type CharSpec = (Kind, String, Vec<String>);

async fn export(conn: Connection, st: Shared, spec: SensorSpec, dev: String) {
    let server = conn.object_server();
    if spec.gatt {
        let sig = |u: u16| format!("0000{u:04x}-0000-1000-8000-00805f9b34fb");
        let motion = |u: u16| format!("858e{u:04x}-6e91-49be-84ce-adf663d09d37");
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let services: Vec<(String, String, Vec<CharSpec>)> = vec![
            (
                "service0001".into(),
                sig(0x180a),
                vec![
                    (Kind::Manufacturer, sig(0x2a29), f(&["read"])),
                    (Kind::Model, sig(0x2a24), f(&["read"])),
                    (Kind::Serial, sig(0x2a25), f(&["read"])),
                    (Kind::Firmware, sig(0x2a26), f(&["read"])),
                ],
            ),
            ("service0010".into(), sig(0x180f), vec![(Kind::Battery, sig(0x2a19), f(&["read", "notify"]))]),
            (
                "service0020".into(),
                motion(1),
                vec![
                    (Kind::Imu, motion(2), f(&["notify"])),
                    (Kind::ControlPoint, motion(3), f(&["write", "indicate"])),
                    (Kind::Config, motion(4), f(&["read", "write"])),
                    (Kind::Status, motion(5), f(&["read", "notify"])),
                ],
            ),
        ];
        for (sname, suuid, chars) in services {
            if spec.hide_dis_battery && sname != "service0020" {
                continue;
            }
            let spath = format!("{dev}/{sname}");
            server.at(spath.as_str(), Service { uuid: suuid, device: path(&dev) }).await.expect("service");
            let base = u16::from_str_radix(&sname[7..], 16).expect("hex");
            for (i, (kind, uuid, flags)) in chars.into_iter().enumerate() {
                let cpath = format!("{spath}/char{:04x}", base + 1 + i as u16);
                lock(&st).paths.insert(kind, cpath.clone());
                let ch = Characteristic { st: st.clone(), kind, uuid, service: path(&spath), flags };
                server.at(cpath.as_str(), ch).await.expect("characteristic");
            }
        }
    }
    server.at(dev.as_str(), Device { st, adapter: path(ADAPTER) }).await.expect("device");
}

/// Removes a sensor's objects from the bus (InterfacesRemoved).
async fn forget(conn: &Connection, st: &Shared) {
    let (dev, chars): (String, Vec<String>) = {
        let s = lock(st);
        (s.device_path.clone(), s.paths.values().cloned().collect())
    };
    let server = conn.object_server();
    let mut services = Vec::new();
    for c in &chars {
        let _ = server.remove::<Characteristic, _>(c.as_str()).await;
        if let Some((svc, _)) = c.rsplit_once('/') {
            services.push(svc.to_string());
        }
    }
    services.sort();
    services.dedup();
    for svc in services {
        let _ = server.remove::<Service, _>(svc.as_str()).await;
    }
    let _ = server.remove::<Device, _>(dev.as_str()).await;
}

impl SensorHandle {
    /// Drops the link now; the sensor is out of reach for `away`. With
    /// `forget_on_loss`, its objects vanish from BlueZ meanwhile.
    pub(crate) fn drop_link(&self, away: Duration) {
        let (st, conn) = (self.st.clone(), self.conn.clone());
        let rt = self.rt.clone();
        std::thread::scope(|s| {
            s.spawn(|| rt.block_on(async { sensor::drop_link(&st, &conn, away).await }));
        });
        let spec = lock(&self.st).spec.clone();
        if spec.forget_on_loss {
            std::thread::scope(|s| {
                s.spawn(|| rt.block_on(forget(&conn, &st)));
            });
            let (st, conn) = (self.st.clone(), self.conn.clone());
            rt.spawn(async move {
                tokio::time::sleep(away).await;
                let dev = lock(&st).device_path.clone();
                export(conn, st, spec, dev).await;
            });
        }
    }

    /// The sensor reboots: the link drops for `away`, then its sequence
    /// number and clock restart.
    pub(crate) fn reboot(&self, away: Duration) {
        self.drop_link(away);
        lock(&self.st).clock = sensor::Clock::Rebooted;
    }
    pub(crate) fn sent(&self) -> u64 {
        lock(&self.st).sent
    }
    pub(crate) fn malformed_sent(&self) -> u64 {
        lock(&self.st).malformed_sent
    }
    pub(crate) fn identifies(&self) -> u32 {
        lock(&self.st).identifies
    }
    pub(crate) fn connects(&self) -> u32 {
        lock(&self.st).connects
    }
    pub(crate) fn streaming(&self) -> bool {
        lock(&self.st).streaming
    }
    /// When the sensor came back after `drop_link`, and when its first
    /// notification after that went out.
    pub(crate) fn resume_times(&self) -> (Option<tokio::time::Instant>, Option<tokio::time::Instant>) {
        let s = lock(&self.st);
        (s.reappeared_at, s.first_after_reconnect)
    }
}

/// The stand-in shared by the in-process btleplug tests. libdbus reads
/// `DBUS_SYSTEM_BUS_ADDRESS` once per process, so there is one bus for all
/// of them; it is set here, before any test touches btleplug.
pub(crate) fn global() -> &'static StandIn {
    static GLOBAL: OnceLock<StandIn> = OnceLock::new();
    GLOBAL.get_or_init(|| {
        let s = StandIn::start();
        std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", &s.bus.address);
        // Something else advertising on the same adapter: scans must skip it.
        let mut decoy = SensorSpec::aps("Headphones", "DE:C0:11:00:00:01", SensorConfig::default(), Vec::new());
        decoy.uuids = vec!["0000110b-0000-1000-8000-00805f9b34fb".into()];
        decoy.gatt = false;
        s.add_sensor(decoy);
        s
    })
}

/// A published capture's notifications, (ms from the first, payload).
pub(crate) fn trace(name: &str) -> (SensorConfig, Vec<(u64, Vec<u8>)>) {
    // The published captures live in `shared/` beside the repository.
    let dir = std::env::var("ANKLEPUMP_TRACES")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/traces").to_string());
    let p = format!("{dir}/{name}");
    let f = std::fs::File::open(&p).unwrap_or_else(|e| panic!("open {p}: {e}"));
    let r = CaptureReader::new(BufReader::new(f)).expect("capture");
    let cfg = r.header().config;
    let mut out: Vec<(u64, Vec<u8>)> = Vec::new();
    for rec in r {
        if let Ok(Record::Notification { rx_ms, payload }) = rec {
            out.push((rx_ms, payload));
        }
    }
    let t0 = out.first().map_or(0, |r| r.0);
    out.iter_mut().for_each(|r| r.0 -= t0);
    (cfg, out)
}
