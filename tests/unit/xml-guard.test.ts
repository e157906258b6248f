import { describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, XmlShapeMeter } from '../../src/main/services/cameras/xml-guard';

function measure(xml: string, pieceSize = xml.length): XmlShapeMeter {
  const meter = new XmlShapeMeter();
  for (let i = 0; i < xml.length; i += pieceSize) meter.feed(xml.slice(i, i + pieceSize));
  return meter;
}

const SOAP =
  '<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">' +
  '<s:Body><trt:GetProfilesResponse><trt:Profiles token="p/0>" fixed="true">' +
  "<tt:Name>Main &amp; more</tt:Name><tt:Empty/><tt:Res a='x/>' /></trt:Profiles>" +
  '<!-- a <comment> with </tags> --><![CDATA[ <not> </real> ]]>' +
  '</trt:GetProfilesResponse></s:Body></s:Envelope>';

describe('XmlShapeMeter', () => {
  it('counts depth and elements of a real-looking answer, in one piece or byte by byte', () => {
    for (const size of [SOAP.length, 1, 2, 3, 7]) {
      const meter = measure(SOAP, size);
      expect(meter.refused).toBeNull();
      expect(meter.maxDepth).toBe(5);
      expect(meter.elements).toBe(7);
      expect(meter.depth).toBe(0);
    }
  });

  it('cannot be fooled by closing tags hidden in CDATA, comments or attribute values', () => {
    const sneaky = '<a><![CDATA[ > </z> ]]><!-- > </z> --><b c="> </z>">'.repeat(MAX_XML_DEPTH);
    expect(measure(sneaky).refused).toMatch(/nested over 64 deep/);
    expect(measure(sneaky, 5).refused).toMatch(/nested over 64 deep/);
  });

  it('refuses a DTD (SOAP forbids one; entities could hide anything)', () => {
    const meter = measure('<!DOCTYPE x [<!ENTITY e "</z></z>">]><x>&e;</x>');
    expect(meter.refused).toMatch(/document type declaration/);
  });

  it('refuses depth one past the limit, not at it', () => {
    const at = '<a>'.repeat(MAX_XML_DEPTH) + '</a>'.repeat(MAX_XML_DEPTH);
    expect(measure(at).refused).toBeNull();
    expect(measure(`<b>${at}</b>`).refused).toMatch(/nested/);
  });
});
