//! Times this decoder against jpeg-decoder 0.3.2 (the one it replaces), interleaved run by run:
//! `jpeg_bench FILE.jpg [reduction] [runs]`. Prints the median milliseconds of each and their ratio.
//! Run it pinned to one core (`taskset -c 0`): jpeg-decoder would otherwise use helper threads.
//! With `LOCALPIX_BENCH_ONLY=1` only this decoder runs (for profiling).

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().expect("usage: jpeg_bench FILE.jpg [reduction] [runs]");
    let reduction: u32 = args.get(1).map_or(1, |r| r.parse().expect("reduction"));
    let runs: usize = args.get(2).map_or(9, |r| r.parse().expect("runs"));
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let options = localpix_jpeg::Options { eighths: 8 / reduction, ..Default::default() };

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let image = localpix_jpeg::decode(&data, &options).expect("decodes");
        ours.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(image);

        if std::env::var_os("LOCALPIX_BENCH_ONLY").is_some() {
            theirs.push(f64::NAN);
            continue;
        }
        let t = Instant::now();
        let mut decoder = jpeg_decoder::Decoder::new(&data[..]);
        if reduction > 1 {
            let info = {
                decoder.read_info().expect("header");
                decoder.info().expect("info")
            };
            decoder.scale(info.width.div_ceil(reduction as u16), info.height.div_ceil(reduction as u16)).expect("scale");
        }
        std::hint::black_box(decoder.decode().expect("decodes"));
        theirs.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (a, b) = (median(ours), median(theirs));
    let name = path.rsplit('/').next().unwrap_or(path);
    println!("{name} 1/{reduction}: localpix-jpeg {a:.1} ms, jpeg-decoder {b:.1} ms, ratio {:.2}", a / b);
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
