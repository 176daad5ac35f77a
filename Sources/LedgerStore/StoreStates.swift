import GRDB

// The states the ledger records as text. Each enum's raw values are exactly the values its column's CHECK
// constraint allows (SchemaTests compares them), so a state is spelled in one place and a typo does not compile.

/// What a version says about its account: the source reported it, or a complete discovery no longer listed it.
/// `balance_version.state`.
public enum VersionState: String, Sendable, CaseIterable, DatabaseValueConvertible {
    case present, gone
}

/// How far a source's discovery got in a run: not tried (a configured list), every page, some pages, none.
/// `sync_run_source.discovery`; only `complete` lets a run mark accounts gone.
public enum DiscoveryOutcome: String, Sendable, CaseIterable, DatabaseValueConvertible {
    case none, complete, partial, failed
}

/// How a run got its responses: from the sources, from the sources while capturing them, from a capture, or
/// re-derived from stored raw responses. `sync_run.mode`.
public enum RunMode: String, Sendable, CaseIterable, DatabaseValueConvertible {
    case online, capture, replay, rebuild
}

/// What a sync did about a conflict. `conflict.resolution`.
public enum ConflictResolution: String, Sendable, CaseIterable, DatabaseValueConvertible {
    /// A late arrival inserted into history at its valid time.
    case spliced
    /// The stored version kept (and flagged) against different content with the same timestamp.
    case keptStored = "kept_stored"
    /// The incoming observation ignored (stale, or too far ahead of the clock).
    case ignored
    /// The incoming observation accepted as the new version.
    case accepted
}

/// How a run, or one source within it, ended. `sync_run.status`; `sync_run_source.status` has every case but
/// `interrupted` (a source of an interrupted run is `failed`).
public enum RunStatus: String, Sendable, CaseIterable, DatabaseValueConvertible {
    case running, complete, partial, failed, interrupted
}
extension ConflictKind: DatabaseValueConvertible {}

// Interpolated into messages and reports, each state reads as the ledger spells it (`kept_stored`, not the case
// name).
extension VersionState: CustomStringConvertible { public var description: String { rawValue } }
extension DiscoveryOutcome: CustomStringConvertible { public var description: String { rawValue } }
extension RunMode: CustomStringConvertible { public var description: String { rawValue } }
extension ConflictResolution: CustomStringConvertible { public var description: String { rawValue } }
extension RunStatus: CustomStringConvertible { public var description: String { rawValue } }
extension ConflictKind: CustomStringConvertible { public var description: String { rawValue } }
