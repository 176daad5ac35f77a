import Foundation
import GRDB
import LedgerCore

/// Commits many units of work in one transaction, each in its own savepoint.
///
/// Units that arrive while the writer is busy wait and are committed together by the next transaction
/// ("group commit"): one BEGIN/COMMIT and one writer hop for the whole group. Each unit is still all-or-nothing —
/// a unit that throws rolls back its savepoint only, and the others commit — and a process killed mid-way loses
/// whole units, never parts of one.
public actor GroupCommitter {
    private struct Job {
        let body: @Sendable (LedgerTransaction) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let database: LedgerDatabase
    private var pending: [Job] = []
    private var draining = false
    /// The most units one transaction takes.
    private let maximumGroup: Int

    /// - Parameters:
    ///   - database: The ledger.
    ///   - maximumGroup: The most units one transaction takes.
    public init(database: LedgerDatabase, maximumGroup: Int = 256) {
        self.database = database
        self.maximumGroup = max(1, maximumGroup)
    }

    /// Runs `body` in a savepoint of the next group transaction.
    /// - Returns: What `body` returns, once its group has committed.
    /// - Throws: ``StoreError`` if `body` or the group's commit fails.
    public func write<T: Sendable>(_ body: @escaping @Sendable (LedgerTransaction) throws -> T) async throws(StoreError)
        -> T
    {
        do {
            let value = try await withCheckedThrowingContinuation { continuation in
                pending.append(Job(body: { try body($0) }, continuation: continuation))
                if !draining {
                    draining = true
                    Task { await drain() }
                }
            }
            return value as! T
        } catch {
            throw StoreError(wrapping: error, path: database.path)
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let group = Array(pending.prefix(maximumGroup))
            pending.removeFirst(group.count)
            let results = await database.commitGroup(group.map(\.body))
            for (job, result) in zip(group, results) {
                job.continuation.resume(with: result)
            }
        }
        draining = false
    }
}

extension LedgerDatabase {
    /// One transaction, one savepoint per body; a throwing body rolls back its savepoint only.
    func commitGroup(_ bodies: [@Sendable (LedgerTransaction) throws -> any Sendable]) async
        -> [Result<any Sendable, any Error>]
    {
        let now = clock.now()
        do {
            return try await writer.write { db in
                let tx = LedgerTransaction(db: db, now: now)
                return bodies.map { body in
                    do {
                        var value: (any Sendable)?
                        try db.inSavepoint {
                            value = try body(tx)
                            return .commit
                        }
                        return .success(value!)
                    } catch {
                        return .failure(error)
                    }
                }
            }
        } catch {
            return bodies.map { _ in .failure(error) }
        }
    }
}
