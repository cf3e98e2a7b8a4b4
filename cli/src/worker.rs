//! The engine in a child process: each `--jobs` worker (and `-`, and `probe`) hands its files one
//! at a time to a child running this same program (`localpix engine-worker`), which holds one
//! engine instance.
//!
//! Why a process: the time limit. Inside wasmtime it needs epoch interruption, whose checks in
//! every loop and call cost about 15% of the CPU time (docs/performance.md). From outside it costs
//! nothing: the CLI waits for each answer until the limit, and kills the child if none comes. A
//! child that ends for any reason (killed, crashed) fails only the file it was on; the next file
//! gets a fresh child. The memory limit stays with the engine, inside the child.
//!
//! The wire, on the child's stdin and stdout: each message is one JSON line, `{"message": …,
//! "bytes": n}`, then n raw bytes (the image, kept out of the JSON as jco keeps it out of
//! `output`'s serde form). Requests are [`Request`]s, answers [`Answer`]s.

use std::{
    io::{BufRead, BufReader, BufWriter, Write},
    process::{Child, ChildStdin, Command, ExitCode, Stdio},
    sync::mpsc,
    time::Duration,
};

use localpix_contract as api;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    args::RunLimits,
    engine::{Compiled, Failure, Instance},
};

/// The hidden subcommand that runs a child ([`serve`]).
pub const COMMAND: &str = "engine-worker";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Request {
    /// The engine's `process` on the bytes that follow.
    Process(api::Options),
    /// The engine's `probe` on the bytes that follow.
    Probe,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Answer {
    /// The first message: the engine is compiled, files may come.
    Ready,
    /// The first message instead, when the engine cannot run at all.
    Unusable(String),
    /// The result; its bytes follow.
    Output(api::Output),
    Info(api::ImageInfo),
    Failed(Failure),
}

#[derive(Serialize, Deserialize)]
struct Header<T> {
    message: T,
    bytes: usize,
}

fn send<T: Serialize>(to: &mut impl Write, message: &T, bytes: &[u8]) -> std::io::Result<()> {
    serde_json::to_writer(&mut *to, &Header { message, bytes: bytes.len() })?;
    to.write_all(b"\n")?;
    to.write_all(bytes)?;
    to.flush()
}

/// The next message, or `None` at the end of the stream.
fn receive<T: DeserializeOwned>(from: &mut impl BufRead) -> std::io::Result<Option<(T, Vec<u8>)>> {
    let mut line = String::new();
    if from.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let header: Header<T> = serde_json::from_str(&line)?;
    let mut bytes = vec![0; header.bytes];
    from.read_exact(&mut bytes)?;
    Ok(Some((header.message, bytes)))
}

/// The CLI's side: one file at a time to a child, which is started when needed and replaced
/// after it ends or is stopped.
pub struct Worker {
    limits: RunLimits,
    child: Option<Running>,
}

impl Worker {
    /// A worker whose child starts with its first file.
    pub fn new(limits: RunLimits) -> Self {
        Self { limits, child: None }
    }

    /// A worker whose child is started now, and the reason when it cannot be: the first child
    /// also compiles the engine into the cache when it is not there yet, which every later child
    /// then loads.
    pub fn start(limits: RunLimits) -> Result<Self, String> {
        Ok(Self { limits, child: Some(Running::start(limits.memory_mib)?) })
    }

    /// The engine's `process`: the result, or why not.
    pub fn process(&mut self, input: &[u8], options: &api::Options) -> Result<api::Output, Failure> {
        match self.ask(&Request::Process(*options), input)? {
            (Answer::Output(output), bytes) => Ok(api::Output { bytes, ..output }),
            _ => Err(self.confused()),
        }
    }

    /// The engine's `probe`: what the file holds.
    pub fn probe(&mut self, input: &[u8]) -> Result<api::ImageInfo, Failure> {
        match self.ask(&Request::Probe, input)? {
            (Answer::Info(info), _) => Ok(info),
            _ => Err(self.confused()),
        }
    }

    /// Sends one request and waits for its answer, at most the time limit.
    fn ask(&mut self, request: &Request, input: &[u8]) -> Result<(Answer, Vec<u8>), Failure> {
        let mut child = match self.child.take() {
            Some(child) => child,
            None => Running::start(self.limits.memory_mib).map_err(|e| Failure::Stopped(format!("The engine could not start: {e}")))?,
        };
        // A child that died before reading the request is seen below, as the end of its answers.
        let _ = send(&mut child.requests, request, input);
        let answer = match self.limits.timeout_secs {
            0 => child.answers.recv().ok(),
            secs => match child.answers.recv_timeout(Duration::from_secs(secs.into())) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    child.stop();
                    return Err(Failure::Stopped(format!("It took longer than the time limit ({secs} s; raise it with --timeout).")));
                }
                answer => answer.ok(),
            },
        };
        match answer {
            Some((Answer::Failed(failure), _)) => {
                self.child = Some(child);
                Err(failure)
            }
            Some(answer) => {
                self.child = Some(child);
                Ok(answer)
            }
            None => Err(Failure::Stopped(format!("The engine stopped on this file (its process ended: {}).", child.stop()))),
        }
    }

    /// An answer that does not fit the request: the child is not trusted with another file.
    fn confused(&mut self) -> Failure {
        if let Some(child) = self.child.take() {
            child.stop();
        }
        Failure::Stopped("The engine process gave an answer that does not fit the request.".into())
    }
}

/// A running child: where requests go, and its answers as they come (read by a thread of their
/// own, so that the wait for one can time out).
struct Running {
    process: Child,
    requests: BufWriter<ChildStdin>,
    answers: mpsc::Receiver<(Answer, Vec<u8>)>,
}

impl Running {
    /// Starts a child and waits until its engine is ready.
    fn start(memory_mib: u32) -> Result<Self, String> {
        let program = std::env::current_exe().map_err(|e| format!("cannot find this program's file: {e}"))?;
        let mut command = Command::new(program);
        command.args([COMMAND, "--memory", &memory_mib.to_string()]).stdin(Stdio::piped()).stdout(Stdio::piped());
        // A child must not outlive the CLI (killed with SIGKILL, say) working on a file no one
        // waits for: the kernel kills it when the thread that started it ends. (Elsewhere, or if
        // the CLI dies before this takes effect, the child ends at its next read, on the closed
        // pipe.)
        #[cfg(target_os = "linux")]
        // SAFETY: prctl is a plain system call, safe between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut process = command.spawn().map_err(|e| format!("cannot start its process: {e}"))?;
        let requests = BufWriter::new(process.stdin.take().expect("stdin is piped"));
        let mut stdout = BufReader::new(process.stdout.take().expect("stdout is piped"));
        let (answer, answers) = mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(Some(message)) = receive(&mut stdout) {
                if answer.send(message).is_err() {
                    break;
                }
            }
        });
        let child = Self { process, requests, answers };
        match child.answers.recv() {
            Ok((Answer::Ready, _)) => Ok(child),
            Ok((Answer::Unusable(reason), _)) => {
                child.stop();
                Err(reason)
            }
            _ => Err(format!("its process ended: {}", child.stop())),
        }
    }

    /// Ends the child (if it has not ended on its own) and says how it ended. A child that
    /// crashed keeps its own exit status: the kill then reaches a process that is already gone.
    fn stop(mut self) -> String {
        let _ = self.process.kill();
        self.process.wait().map_or_else(|e| e.to_string(), |status| status.to_string())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            child.stop();
        }
    }
}

/// The child's side (`localpix engine-worker`): one engine instance, one request at a time, until
/// its stdin closes.
pub fn serve(memory_mib: u32) -> ExitCode {
    // Ctrl-C, SIGTERM and SIGHUP reach the whole process group: the CLI decides what they stop
    // (between two results), and its children end with it.
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: setting a signal to be ignored touches no memory of ours.
        unsafe { libc::signal(signal, libc::SIG_IGN) };
    }
    let mut requests = std::io::stdin().lock();
    let mut answers = BufWriter::new(std::io::stdout().lock());
    let mut instance = match Compiled::load() {
        Ok(compiled) => Instance::new(compiled, memory_mib),
        Err(e) => {
            let _ = send(&mut answers, &Answer::Unusable(format!("it could not be compiled: {e}")), &[]);
            return ExitCode::from(crate::run::UNUSABLE);
        }
    };
    if send(&mut answers, &Answer::Ready, &[]).is_err() {
        return ExitCode::SUCCESS;
    }
    while let Ok(Some((request, input))) = receive::<Request>(&mut requests) {
        let (answer, bytes) = match request {
            Request::Process(options) => match instance.process(&input, &options) {
                Ok(mut output) => {
                    let bytes = std::mem::take(&mut output.bytes);
                    (Answer::Output(output), bytes)
                }
                Err(failure) => (Answer::Failed(failure), Vec::new()),
            },
            Request::Probe => (instance.probe(&input).map_or_else(Answer::Failed, Answer::Info), Vec::new()),
        };
        if send(&mut answers, &answer, &bytes).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cross_the_pipe_whole_scores_bit_for_bit() {
        let output = api::Output {
            bytes: Vec::new(),
            format: api::ImageFormat::Jpeg,
            dimensions: api::Dimensions::new(1920, 1080),
            quality: Some(80),
            // Values whose shortest decimal form is long: they must come back as the same f32.
            score: Some(api::QualityScore { ssimulacra2: 87.123_46, ssim: 0.999_999_9 }),
            kept_original: false,
        };
        let image: Vec<u8> = (0..=255).cycle().take(70_000).collect();
        let mut pipe = Vec::new();
        send(&mut pipe, &Answer::Output(output.clone()), &image).unwrap();
        send(&mut pipe, &Answer::Failed(Failure::Engine(api::Error::malformed("cut short"))), &[]).unwrap();
        let mut from = std::io::Cursor::new(pipe);
        let Some((Answer::Output(back), bytes)) = receive::<Answer>(&mut from).unwrap() else { panic!("not an output") };
        assert_eq!(back, output);
        assert_eq!(bytes, image);
        let Some((Answer::Failed(Failure::Engine(error)), _)) = receive::<Answer>(&mut from).unwrap() else { panic!("not a failure") };
        assert_eq!(error.message(), "cut short");
        assert!(receive::<Answer>(&mut from).unwrap().is_none(), "the end of the stream");
    }
}
