//! Real recordings (`shared/real`: people standing, walking, turning and
//! walking back, IMUs on the foot or the shoe): nobody did an ankle pump,
//! so the analysis counts no rep, and says the walking was not counted.

use anklepump::core::analysis::analyze;
use anklepump::core::notpump::Reason;

use crate::support::shared_dir;

#[test]
fn real_walking_recordings_analyse_to_no_reps() {
    let dir = shared_dir().join("real");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "apcap"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "the four published real recordings");
    for f in files {
        let text = std::fs::File::open(&f).expect("readable");
        let a = analyze(std::io::BufReader::new(text), false).expect("a capture").analysis;
        let name = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
        println!("{name}: {} reps, excluded {:?}", a.reps.len(), a.excluded);
        assert!(a.reps.is_empty(), "{name}: {} reps reported while walking: {:?}", a.reps.len(), a.reps);
        let walked: f64 = a.excluded.iter().filter(|x| x.reason == Reason::Walking).map(|x| x.end_s - x.start_s).sum();
        assert!(walked > 10.0, "{name}: the walking is reported as excluded ({walked:.1} s): {:?}", a.excluded);
    }
}
