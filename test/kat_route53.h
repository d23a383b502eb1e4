/*
 * A ChangeResourceRecordSets body (Route 53 API Reference,
 * ChangeResourceRecordSets: one UPSERT of www.example.com. A 192.0.2.1; 434
 * bytes: the XML declaration, a newline and the one-line document),
 * shared by the SigV4 known-answer test and the XML writer test.
 */
#ifndef NOTIFY53_KAT_ROUTE53_H
#define NOTIFY53_KAT_ROUTE53_H

static const char kat_route53_body[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	"<ChangeBatch><Changes><Change><Action>UPSERT</Action><ResourceRecordSet>"
	"<Name>www.example.com.</Name><Type>A</Type><TTL>300</TTL><ResourceRecords>"
	"<ResourceRecord><Value>192.0.2.1</Value></ResourceRecord></ResourceRecords>"
	"</ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>";

#endif
