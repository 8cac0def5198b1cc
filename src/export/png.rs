//! PNG screenshots: cropping a window capture to a pane (points → physical pixels), optional
//! 2× output, default file names (corpus, pane, time) and where they go when no save dialog is
//! available (`~/Pictures/Khabar`).

use std::path::{Path, PathBuf};

use egui::ColorImage;

/// Errors of screenshot export.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not write the PNG: {source}: {path}")]
    Write { source: image::ImageError, path: PathBuf },
    #[error("could not create the folder: {source}: {path}")]
    Folder { source: std::io::Error, path: PathBuf },
    #[error("the screenshot is empty")]
    Empty,
}

/// The part of a window capture covered by `rect` (in points), clipped to the image.
pub fn crop(image: &ColorImage, rect: egui::Rect, pixels_per_point: f32) -> ColorImage {
    let full = egui::Rect::from_min_size(
        egui::Pos2::ZERO,
        egui::vec2(image.width() as f32, image.height() as f32) / pixels_per_point,
    );
    let rect = rect.intersect(full);
    if !rect.is_positive() {
        return ColorImage::new([0, 0], Vec::new());
    }
    image.region(&rect, Some(pixels_per_point))
}

/// Resizes by an integer factor (nearest neighbour keeps text crisp for 2× exports of a 1×
/// capture; a real 2× export renders at 2 pixels per point instead).
pub fn scale(image: &ColorImage, factor: u32) -> ColorImage {
    if factor <= 1 {
        return image.clone();
    }
    let f = factor as usize;
    let (w, h) = (image.width() * f, image.height() * f);
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            pixels.push(image.pixels.get((y / f) * image.width() + x / f).copied().unwrap_or_default());
        }
    }
    ColorImage::new([w, h], pixels)
}

/// Writes `image` as an RGBA PNG.
pub fn save(image: &ColorImage, path: &Path) -> Result<(), Error> {
    if image.width() == 0 || image.height() == 0 {
        return Err(Error::Empty);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| Error::Folder { source, path: parent.to_path_buf() })?;
    }
    // Encode in memory, then write atomically: a reader never sees a half-written PNG.
    let encoded = encode(image).map_err(|source| Error::Write { source, path: path.to_path_buf() })?;
    super::dialog::write_atomically(path, |out| std::io::Write::write_all(out, &encoded))
        .map_err(|e| Error::Write { source: image::ImageError::IoError(e), path: path.to_path_buf() })
}

/// `image` as the bytes of an RGBA PNG.
pub fn encode(image: &ColorImage) -> Result<Vec<u8>, image::ImageError> {
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_srgba_unmultiplied()).collect();
    let mut encoded = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut encoded),
        &rgba,
        image.width() as u32,
        image.height() as u32,
        image::ExtendedColorType::Rgba8,
    )?;
    Ok(encoded)
}

/// Default file name: `khabar-<corpus>-<pane>-<YYYYmmdd-HHMMSS>.png` (file-name-safe).
pub fn default_file_name(corpus: &str, pane: &str, now: chrono::DateTime<chrono::Local>) -> String {
    let safe = |s: &str| -> String {
        let t: String =
            s.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
        t.trim_matches('-').chars().take(60).collect()
    };
    format!("khabar-{}-{}-{}.png", safe(corpus), safe(pane), now.format("%Y%m%d-%H%M%S"))
}

/// Where screenshots go without a save dialog: `~/Pictures/Khabar` (XDG pictures dir).
pub fn fallback_folder() -> PathBuf {
    dirs::picture_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join("Pictures")))
        .unwrap_or_else(std::env::temp_dir)
        .join("Khabar")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(w: usize, h: usize) -> ColorImage {
        let pixels =
            (0..w * h)
                .map(|i| {
                    if (i % w + i / w).is_multiple_of(2) {
                        egui::Color32::WHITE
                    } else {
                        egui::Color32::BLACK
                    }
                })
                .collect();
        ColorImage::new([w, h], pixels)
    }

    #[test]
    fn crop_converts_points_to_pixels_and_clips() {
        let img = checker(100, 80);
        let c = crop(&img, egui::Rect::from_min_max(egui::pos2(10.0, 10.0), egui::pos2(30.0, 60.0)), 2.0);
        // 100×80 px at 2 px/pt is 50×40 pt: the rect is clipped to 20×30 pt = 40×60 px.
        assert_eq!((c.width(), c.height()), (40, 60));
    }

    #[test]
    fn scale_doubles_each_pixel() {
        let img = checker(3, 2);
        let s = scale(&img, 2);
        assert_eq!((s.width(), s.height()), (6, 4));
        assert_eq!(s.pixels[0], s.pixels[1]);
        assert_ne!(s.pixels[1], s.pixels[2]);
    }

    #[test]
    fn default_name_is_file_name_safe() {
        let now = chrono::Local::now();
        let n = default_file_name("أخبار 2025/x", "document", now);
        assert!(n.starts_with("khabar-أخبار-2025-x-document-"));
        assert!(n.ends_with(".png"));
    }

    #[test]
    fn save_round_trips_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.png");
        save(&checker(7, 5), &p).unwrap();
        let back = image::open(&p).unwrap();
        assert_eq!((back.width(), back.height()), (7, 5));
    }
}
