//! Times a decode in halves (`localpix_jpeg::halves`) against the whole decode, run by run:
//! `halves_bench FILE.jpg [eighths] [runs]`. Prints the medians of the whole decode and of each
//! half's two steps (each on its own, one after the other), and what two cores would take: the
//! longer decode, then the longer finish (the second half's finish waits for the first's seam).
//! Natively it also runs the halves on two threads and times that. Also built for wasm32-wasip1
//! (no threads there): `node tests/bench/wasi-stages.mjs halves_bench.wasm FILE 3 9`.

use std::time::Instant;

use localpix_jpeg::{
    Options, decode,
    halves::{self, FirstHalf, SecondHalf},
};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: halves_bench FILE.jpg [eighths] [runs]");
    let eighths: u32 = args.get(1).map_or(8, |e| e.parse().expect("eighths"));
    let runs: usize = args.get(2).map_or(9, |r| r.parse().expect("runs"));
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let options = Options { eighths, ..Default::default() };
    let plan = halves::plan(&data, &options).expect("reads").expect("a file decoded in halves (baseline, one scan, no restarts)");

    let names = [
        "whole",
        "first: decode",
        "first: finish",
        "second: decode",
        "second: finish",
        "two cores (estimate)",
        "two threads",
        "two wholes on two threads",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut in_step = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let whole = decode(&data, &options).expect("decodes");
        times[0].push(ms(t));

        let t = Instant::now();
        let first = FirstHalf::decode(&data, &options, plan).expect("first half");
        times[1].push(ms(t));
        let seam = first.seam().expect("a seam");
        let t = Instant::now();
        let top = first.finish().expect("first half's rows");
        times[2].push(ms(t));
        let t = Instant::now();
        let second = SecondHalf::decode(&data, &options, plan).expect("second half");
        times[3].push(ms(t));
        in_step += usize::from(second.in_step(&data, &seam));
        let t = Instant::now();
        let bottom = second.finish(&data, seam).expect("second half's rows");
        times[4].push(ms(t));
        let n = times[1].len() - 1;
        let estimate = times[1][n].max(times[3][n]) + times[2][n].max(times[4][n]);
        times[5].push(estimate);
        assert!(halves::join(top, bottom).expect("joins") == whole, "the halves differ from the whole decode");

        #[cfg(not(target_os = "wasi"))]
        {
            let t = Instant::now();
            let (seams, seam_arrives) = std::sync::mpsc::channel();
            let image = std::thread::scope(|s| {
                let (data, options) = (&data, &options);
                let second = s.spawn(move || {
                    let second = SecondHalf::decode(data, options, plan).expect("second half");
                    second.finish(data, seam_arrives.recv().expect("a seam")).expect("second half's rows")
                });
                let first = FirstHalf::decode(data, options, plan).expect("first half");
                seams.send(first.seam().expect("a seam")).expect("sent");
                let top = first.finish().expect("first half's rows");
                halves::join(top, second.join().expect("second thread")).expect("joins")
            });
            times[6].push(ms(t));
            std::hint::black_box(image);
            // What this machine's second core gives: two whole decodes at once (2× "whole" if
            // the cores shared nothing).
            let t = Instant::now();
            std::thread::scope(|s| {
                let other = s.spawn(|| decode(&data, &options).expect("decodes"));
                std::hint::black_box(decode(&data, &options).expect("decodes"));
                std::hint::black_box(other.join().expect("second thread"));
            });
            times[7].push(ms(t));
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    println!("{name} at {eighths}/8, {runs} runs, the second half in step at the seam in {in_step}; medians:");
    for (name, mut t) in names.iter().zip(times) {
        if t.is_empty() {
            continue;
        }
        t.sort_by(f64::total_cmp);
        println!("  {name:<22} {:8.1} ms", t[t.len() / 2]);
    }
}
