import LedgerCore

/// A live version (not superseded) of one account, as the write path sees it.
package struct LiveVersion: Sendable, Equatable {
    package var id: Int64
    package var validFrom: Int64
    package var validTo: Int64?
    package var contentHash: String
    package var state: VersionState

    package init(id: Int64, validFrom: Int64, validTo: Int64?, contentHash: String, state: VersionState) {
        self.id = id
        self.validFrom = validFrom
        self.validTo = validTo
        self.contentHash = contentHash
        self.state = state
    }
}

/// The bitemporal rules of recording one observation, apart from any engine: each store reads the live versions
/// the rules ask for in its own SQL and writes what they decide, so both stores keep the same history.
///
/// The decision comes in two steps because most observations need only the first: the account's current version
/// tells an unchanged observation, a newer one and one from the future. Only an observation at or before the
/// current version's valid time (``First/past(current:validFrom:)``) needs the versions around its valid time.
package enum VersionDecision {
    /// What the current version alone decides.
    package enum First: Sendable, Equatable {
        /// The gmtModified is beyond now plus the allowed clock skew: nothing is stored, a `clock_skew` conflict is.
        case clockSkew
        /// The account has no current version: the observation is its version from `validFrom`, up to the first
        /// live version after it, if any.
        case firstVersion(validFrom: Int64)
        /// The current version holds this content.
        case unchanged
        /// Newer than the current version: it closes at `validFrom`, where the new one starts.
        case supersede(current: LiveVersion, validFrom: Int64)
        /// At or before the current version's valid time: ``past(current:validFrom:contentHash:startingAt:covering:firstAfter:)``
        /// decides, with the live versions around `validFrom`.
        case past(current: LiveVersion, validFrom: Int64)
    }

    /// What an observation at or before the current version's valid time does.
    package enum Past: Sendable, Equatable {
        /// The current version starts at the same time with the same content.
        case unchanged
        /// An older version starts at the same time with the same content: a `stale` conflict, nothing stored.
        case stale(LiveVersion)
        /// A version starts at the same time with other content: it is kept and flagged, and a
        /// `same_timestamp_different_content` conflict recorded.
        case sameTimestamp(LiveVersion)
        /// New to the store: spliced in from its valid time to `validTo` (a `late_arrival` conflict). A `covering`
        /// version is superseded and re-recorded up to the new one's start.
        case splice(covering: LiveVersion?, validTo: Int64)
    }

    /// The first step, from the account's current version.
    /// - Parameters:
    ///   - observation: The observation.
    ///   - contentHash: Its content hash.
    ///   - current: The account's current version (`nil`: a new account or one with only failed fetches).
    ///   - now: The recording time, in milliseconds.
    ///   - clockSkewMilliseconds: How far in the future a gmtModified may be.
    package static func first(
        _ observation: BalanceObservation, contentHash: String, current: LiveVersion?, now: Int64,
        clockSkewMilliseconds: Int64
    ) -> First {
        if let modified = observation.sourceModifiedAt,
            modified.millisecondsSinceEpoch > now + clockSkewMilliseconds
        {
            return .clockSkew
        }
        var validFrom = observation.validFrom.millisecondsSinceEpoch
        guard let current else { return .firstVersion(validFrom: validFrom) }
        if current.contentHash == contentHash, current.state == .present { return .unchanged }
        if current.state == .gone {
            // Back after a complete discovery missed it: a new fact from now on, whatever its gmtModified says.
            validFrom = max(validFrom, current.validFrom + 1)
        }
        if observation.sourceModifiedAt == nil, validFrom <= current.validFrom {
            // No gmtModified: conflicts are keyed on it, and the order of our own fetches is the truth. A Date
            // header has whole seconds, so a change seen within the same second starts just after the current one.
            validFrom = current.validFrom + 1
        }
        return validFrom > current.validFrom
            ? .supersede(current: current, validFrom: validFrom) : .past(current: current, validFrom: validFrom)
    }

    /// The second step, for ``First/past(current:validFrom:)``.
    /// - Parameters:
    ///   - current: The account's current version.
    ///   - contentHash: The observation's content hash.
    ///   - startingAt: The live version that starts exactly at the observation's valid time.
    ///   - covering: The live version whose valid interval contains it (starting before it).
    ///   - firstAfter: The first live version that starts after it.
    package static func past(
        current: LiveVersion, contentHash: String, startingAt: LiveVersion?, covering: LiveVersion?,
        firstAfter: LiveVersion?
    ) -> Past {
        if let same = startingAt {
            if same.contentHash == contentHash { return same.id == current.id ? .unchanged : .stale(same) }
            return .sameTimestamp(same)
        }
        if let covering { return .splice(covering: covering, validTo: covering.validTo ?? current.validFrom) }
        return .splice(covering: nil, validTo: firstAfter?.validFrom ?? current.validFrom)
    }

    /// The content hash of a gone version.
    package static let goneHash = sha256Hex(Array("gone".utf8))

    /// The valid time at which an account marked gone stops: now, or just after its current version starts.
    package static func goneAt(current: LiveVersion, now: Int64) -> Int64 {
        max(now, current.validFrom + 1)
    }
}
