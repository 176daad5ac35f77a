import Foundation
import LedgerCore
import LedgerStore
import Logging
import PostgresNIO

/// The lock one syncer of one source holds in a PostgreSQL ledger: a session advisory lock
/// (`pg_try_advisory_lock`) on a connection of its own, outside the pool.
///
/// Syncers of different sources, on different machines, write at once; a second syncer of the same source is
/// refused at once and told who holds it. The server releases the lock when the holder's connection ends, so a
/// syncer killed with `kill -9` (or a machine that vanished, once its TCP keepalive gives up) never leaves a
/// source locked.
public final class PostgresSourceLock: Sendable {
    /// The source locked.
    public let sourceName: String
    private let connection: PostgresConnection

    /// Why the lock could not be taken: another process holds it.
    public struct Held: Error, Sendable, CustomStringConvertible {
        /// The source.
        public let sourceName: String
        /// The ledger.
        public let store: String
        /// Who holds it, as the server knows the session: its application name, address and since when.
        public let holder: String
        public var description: String {
            "another sync of source '\(sourceName)' holds its lock in \(store) (\(holder)); nothing was changed — "
                + "wait for it to finish"
        }
    }

    private init(sourceName: String, connection: PostgresConnection) {
        self.sourceName = sourceName
        self.connection = connection
    }

    /// Releases the lock: closes its connection, which ends the session and every lock it holds. (No
    /// `pg_advisory_unlock` first: on a session the server has already ended, a statement would wait for an answer
    /// that never comes.)
    public func release() async {
        try? await connection.close()
    }

    /// Takes the lock of one source at once, or fails.
    static func acquire(
        sourceID: Int64, sourceName: String, ledger: PostgresLedger
    ) async throws -> PostgresSourceLock {
        let configuration = try ledger.location.connectionConfiguration(
            applicationName: PostgresLedger.applicationName)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: Int(truncatingIfNeeded: sourceID), logger: ledger.logger)
        let key = PostgresLedger.LockSubject.source(sourceID).key
        do {
            var taken = false
            for try await (value) in try await connection.query(
                "SELECT pg_try_advisory_lock(\(PostgresLedger.lockNamespace), \(key))", logger: ledger.logger
            ).decode(Bool.self) {
                taken = value
            }
            guard taken else {
                let holder = try await Self.holder(key: key, connection: connection, logger: ledger.logger)
                try? await connection.close()
                throw Held(sourceName: sourceName, store: ledger.location.description, holder: holder)
            }
            return PostgresSourceLock(sourceName: sourceName, connection: connection)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The session that holds the lock of `key`, as `pg_stat_activity` shows it.
    private static func holder(key: Int32, connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.query(
            """
            SELECT coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local socket'),
                   to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
              AND l.classid = \(Int64(PostgresLedger.lockNamespace))::oid AND l.objid = \(Int64(key))::oid
            """, logger: logger)
        for try await (name, address, since) in rows.decode((String, String, String).self) {
            return "\(name.isEmpty ? "an unnamed session" : name) from \(address), connected since \(since)"
        }
        // Released between the two statements: the next try will likely succeed.
        return "holder unknown; it may have just finished"
    }
}

extension PostgresLedger {
    /// Finds or registers a configured source instance and returns its id.
    /// - Throws: ``StoreError`` when the name is registered with another kind.
    public func sourceID(name: String, kind: SourceKind) async throws(StoreError) -> Int64 {
        let now = clock.now().millisecondsSinceEpoch
        do {
            // The no-op update makes RETURNING answer for an existing row as well, in one statement that two
            // processes registering the same source at once cannot both insert.
            let rows = try await client.query(
                """
                INSERT INTO source_instance (name, kind, created_at) VALUES (\(name), \(kind.rawValue), \(now))
                ON CONFLICT (name) DO UPDATE SET name = excluded.name
                RETURNING id, kind
                """, logger: logger)
            for try await (id, recorded) in rows.decode((Int64, String).self) {
                guard recorded == kind.rawValue else {
                    throw StoreError(
                        .invalidData(
                            "source '\(name)' is recorded as \(recorded) but configured as \(kind.rawValue); "
                                + "give the new source another name"),
                        path: location.description)
                }
                return id
            }
            throw StoreError(
                .invalidData("source '\(name)' was neither inserted nor found"), path: location.description)
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
    }

    /// Takes the lock of one source for a sync: at once, or ``PostgresSourceLock/Held`` naming the holder. Holding
    /// it, closes the runs of this source that a syncer which died left open.
    /// - Throws: ``PostgresSourceLock/Held``; ``StoreError`` when the server cannot be reached.
    public func lockSource(name: String, kind: SourceKind) async throws -> PostgresSourceLock {
        let id = try await sourceID(name: name, kind: kind)
        let lock: PostgresSourceLock
        do {
            lock = try await PostgresSourceLock.acquire(sourceID: id, sourceName: name, ledger: self)
        } catch let held as PostgresSourceLock.Held {
            throw held
        } catch {
            throw StoreError(wrapping: error, location: location)
        }
        do {
            let abandoned = try await transaction { tx in try await tx.closeAbandonedRuns(sourceID: id) }
            if !abandoned.isEmpty {
                logger.warning(
                    "closed runs a stopped syncer left open", metadata: ["source": "\(name)", "runs": "\(abandoned)"])
            }
            return lock
        } catch {
            await lock.release()
            throw error
        }
    }
}
