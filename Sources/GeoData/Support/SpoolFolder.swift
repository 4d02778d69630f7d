import Foundation

/// A private working folder beside a run's outputs for files too large to hold in memory until the outputs are
/// written (a scenario's feed zip, a stretch of a national stop_times.txt deflated once): made like the outputs'
/// temporary folders (`AtomicFile`, mode 0700, an unpredictable name), so the next run beside it removes it if
/// this process dies, and removed with whatever is still in it when the last reference goes.
public final class SpoolFolder: Sendable {
    /// The folder's path.
    public let path: String

    /// Creates the folder in the folder of `path`, named after its last component.
    public init(beside path: String) throws {
        _ = AtomicFile.removeStaleTemporaries(beside: path)
        self.path = try AtomicFile.createPrivateFolder(beside: path)
    }

    /// A path for `name` inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Moves a finished file of the folder to `target` (the outputs' staging path): a rename on the same file
    /// system, a copy where the rename cannot be done.
    public func move(_ file: String, to target: String) throws {
        guard rename(file, target) != 0 else { return }
        let reason = errno
        guard reason == EXDEV else { throw DataError(file: target, "cannot write: \(String(cString: strerror(reason)))") }
        do {
            try FileManager.default.copyItem(atPath: file, toPath: target)
        } catch {
            throw DataError(file: target, "cannot write: \(error.localizedDescription)")
        }
    }

    deinit { AtomicFile.removeFolder(path) }
}
