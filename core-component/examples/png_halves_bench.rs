//! What decoding a large PNG at half size with two engines can save: times the whole decode, then
//! each engine's part (the first's rows up to the plan's, the second's from its block, the
//! first's join with the rows between), and prints the medians as one JSON line. `estimate` is
//! what two cores would take: the longer of the two parts, then the join; `plan` the time to
//! find where the second starts.
//!
//! `png_halves_bench <input.png> <width> [runs]`

use std::time::Instant;

use localpix_core::{
    Dimensions, Image,
    pipeline::{DecodeOptions, FirstHalf, SecondHalf, plan_halves},
    resize::{Filter, ResizeMode, ResizeOptions},
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let input = std::fs::read(&args[0]).expect("the input");
    let width: u32 = args[1].parse().expect("a width");
    let runs: usize = args.get(2).map_or(7, |r| r.parse().expect("runs is a number"));
    let resize = ResizeOptions {
        mode: ResizeMode::FitWidth(width),
        filter: Filter::Lanczos3,
        never_upscale: true,
        turn: Default::default(),
        crop: None,
    };
    let options = DecodeOptions { intended_resize: Some(resize), ..DecodeOptions::default() };
    let t = Instant::now();
    let plan = plan_halves(&input, &options).expect("a file that is split");
    let planning = (t.elapsed().as_secs_f64() * 10000.0).round() / 10.0;
    let mut times = [const { Vec::new() }; 5];
    for _ in 0..runs {
        let t0 = Instant::now();
        let whole = Image::decode(&input, &options).expect("decodes");
        let t1 = Instant::now();
        let mut first = FirstHalf::decode(input.clone(), &options, plan).expect("first");
        let t2 = Instant::now();
        let mut second = SecondHalf::decode(input.clone(), &options, plan).expect("second");
        let rows = second.finish(first.seam().expect("a seam")).expect("rows");
        let t3 = Instant::now();
        let joined = first.join(rows).expect("joined");
        let t4 = Instant::now();
        assert!(joined.dimensions() == whole.dimensions() && joined.dimensions() != Dimensions::new(0, 0));
        for (i, d) in [t1 - t0, t2 - t1, t3 - t2, t4 - t3].iter().enumerate() {
            times[i].push(d.as_secs_f64() * 1000.0);
        }
        times[4].push(((t2 - t1).max(t3 - t2) + (t4 - t3)).as_secs_f64() * 1000.0);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2] * 10.0).round() / 10.0
    };
    let [whole, first, second, join, estimate] = times.each_mut().map(median);
    println!(
        r#"{{"whole":{whole},"first":{first},"second":{second},"join":{join},"estimate":{estimate},"plan":{planning},"firstRows":{},"secondFrom":{}}}"#,
        plan.seam_after, plan.second_from
    );
}
