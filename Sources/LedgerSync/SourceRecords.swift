import LedgerCore
import LedgerSources
import LedgerStore

extension SourceResponse {
    /// The store's record of this response: redacted URL, exact bytes.
    var record: RawResponseRecord {
        RawResponseRecord(
            method: method, url: redactedURL, action: action, httpStatus: status, dateHeaderAt: date,
            receivedAt: receivedAt, requestID: requestID, body: body)
    }
}

extension SourceError {
    func record(account: AccountKey?) -> FetchErrorRecord {
        FetchErrorRecord(
            account: account, target: target, kind: kind.rawValue, httpStatus: httpStatus, remoteCode: remoteCode,
            message: message, requestID: requestID, retryable: retryable, attempts: attempts)
    }
}
