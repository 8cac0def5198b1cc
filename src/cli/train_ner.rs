//! `khabar train-ner`: trains the NER tagger from ANERcorp-style CoNLL files, reproducibly
//! (same data, epochs, seed and size give the same model bytes), writes the model file and
//! prints dev scores when `--dev` is given.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use khabar::extract::entities::train;

#[derive(clap::Args, Debug)]
pub struct TrainNerArgs {
    /// Training file(s): "token TAG" lines, blank line between sentences (repeat for several).
    #[arg(long, value_name = "FILE", required = true)]
    pub train: Vec<PathBuf>,
    /// Development file to score after training.
    #[arg(long, value_name = "FILE")]
    pub dev: Option<PathBuf>,
    /// Where to write the model (e.g. assets/models/ner.bin.gz).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = train::TrainOptions::default().epochs)]
    pub epochs: usize,
    /// Seed of the sentence order.
    #[arg(long, default_value_t = train::TrainOptions::default().seed)]
    pub seed: u64,
    /// log2 of the number of hashed feature rows.
    #[arg(long, default_value_t = train::TrainOptions::default().bits)]
    pub bits: u32,
    /// Words seen at most this often count as rare (their identity is hidden now and then).
    #[arg(long, default_value_t = train::TrainOptions::default().rare_count)]
    pub rare_count: u32,
    /// Per-mille chance of hiding a rare word's identity in one occurrence.
    #[arg(long, default_value_t = train::TrainOptions::default().drop_permille)]
    pub drop_permille: u32,
    /// Margin of loss-augmented decoding during training (0 = plain perceptron).
    #[arg(long, default_value_t = train::TrainOptions::default().margin)]
    pub margin: f32,
    /// Factor on the margin of O for entity tokens.
    #[arg(long, default_value_t = train::TrainOptions::default().o_factor)]
    pub o_factor: f32,
    /// Train this many models with different seeds and average them.
    #[arg(long, default_value_t = train::TrainOptions::default().ensemble)]
    pub ensemble: usize,
}

pub fn run(args: TrainNerArgs) -> anyhow::Result<ExitCode> {
    if !(10..=24).contains(&args.bits) {
        anyhow::bail!("--bits must be between 10 and 24");
    }
    let mut sents = Vec::new();
    for p in &args.train {
        let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        sents.extend(train::read_conll(&text));
    }
    if sents.is_empty() {
        anyhow::bail!("no training sentences");
    }
    let started = std::time::Instant::now();
    let opts = train::TrainOptions {
        epochs: args.epochs,
        seed: args.seed,
        bits: args.bits,
        rare_count: args.rare_count,
        drop_permille: args.drop_permille,
        margin: args.margin,
        o_factor: args.o_factor,
        ensemble: args.ensemble,
    };
    let model = train::train(&sents, Default::default(), opts, |l| eprintln!("{l}"));
    let bytes = model.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "trained in {:.1} s; model {} bytes -> {}",
        started.elapsed().as_secs_f64(),
        bytes.len(),
        args.out.display()
    );
    if let Some(dev) = &args.dev {
        let text = std::fs::read_to_string(dev).with_context(|| format!("reading {}", dev.display()))?;
        let gold = train::read_conll(&text);
        let pred = train::predict(&model, &gold);
        print!("{}", train::score(&gold, &pred).report());
    }
    Ok(ExitCode::SUCCESS)
}
