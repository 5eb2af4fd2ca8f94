import assert from 'node:assert/strict'
import { expect, test } from '@jest/globals'
import { ActionError } from '../../src/errors.js'
import { checkUrl, describeOrigin, isAllowedUrl, isLoopbackHost } from '../../src/net/url.js'

test('loopback hosts and allowed URLs', () => {
  for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.ok(isLoopbackHost(host), host)
  for (const host of ['example.com', '10.0.0.1', '127.0.0.1.nip.io', '0.0.0.0']) assert.ok(!isLoopbackHost(host), host)
  assert.ok(isAllowedUrl(new URL('https://developer-api.predictionone.sony.biz')))
  assert.ok(isAllowedUrl(new URL('http://127.0.0.2:8080/x')))
  assert.ok(!isAllowedUrl(new URL('http://developer-api.predictionone.sony.biz')))
  assert.ok(!isAllowedUrl(new URL('file:///etc/passwd')))
  assert.ok(!isAllowedUrl(new URL('ftp://127.0.0.1/x')))
})

test('a URL the API gave: parsed and held to the policy; named by its origin only', () => {
  expect(checkUrl('https://s.example/r.zip?sig=1', 'the download_url', 'downloaded').host).toBe('s.example')
  assert.throws(() => checkUrl('not a url', 'the download_url', 'downloaded'), /the download_url is not a URL/)
  assert.throws(
    () => checkUrl('file:///etc/passwd', 'the upload_url', 'used'),
    (err: unknown) => {
      assert.ok(err instanceof ActionError)
      assert.equal(err.message, 'the upload_url uses file:; only https is used')
      return true
    }
  )
  assert.equal(describeOrigin('https://s.example:8443/secret/path?sig=1'), 's.example:8443')
  assert.equal(describeOrigin('::'), 'an invalid URL')
})
